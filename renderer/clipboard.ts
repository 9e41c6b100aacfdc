/**
 * Copies text. `navigator.clipboard` exists only in secure contexts (the Electron window,
 * localhost); a dashboard opened at http://192.168.x.y needs the old selection-based copy.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard !== undefined) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: fall through to the selection copy.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  try {
    // Deprecated but the only copy that works outside secure contexts.
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}
