/**
 * Bytes as an operator types them: hex (`0a ff 00`, `0x0A,0xFF`, `0aff00`) or base64, checked
 * with a message that says what is wrong and where. Pure; the publish form sends the result as
 * base64 (what the command carries).
 */

/** Parsed bytes, or why the text is not bytes. */
export type BytesResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Hex digits in pairs. Spaces, line breaks, `:`, `,`, `-` and a `0x` before a pair are allowed
 * between pairs; anything else is an error naming the character and its position (1-based).
 */
export function parseHex(text: string): BytesResult {
  const digits: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (/[\s:,-]/.test(c)) continue;
    if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && digits.length % 2 === 0) {
      i++;
      continue;
    }
    if (!/[0-9a-fA-F]/.test(c)) {
      return { ok: false, error: `“${c}” at position ${i + 1} is not a hex digit (0–9, a–f)` };
    }
    digits.push(c);
  }
  if (digits.length % 2 === 1) return { ok: false, error: `Hex needs two digits per byte: ${digits.length} found` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(`${digits[2 * i]}${digits[2 * i + 1]}`, 16);
  return { ok: true, bytes };
}

/** Standard or URL-safe base64; whitespace ignored, padding optional. */
export function parseBase64(text: string): BytesResult {
  const compact = text.replace(/\s+/g, '').replaceAll('-', '+').replaceAll('_', '/');
  const bad = /[^A-Za-z0-9+/=]/.exec(compact);
  if (bad !== null) return { ok: false, error: `“${bad[0]}” is not a base64 character` };
  const body = compact.replace(/=+$/, '');
  if (body.includes('=')) return { ok: false, error: 'Padding (=) may only end the text' };
  if (body.length % 4 === 1) return { ok: false, error: 'This base64 is cut short: one character too many or too few' };
  const binary = atob(body.padEnd(Math.ceil(body.length / 4) * 4, '='));
  return { ok: true, bytes: Uint8Array.from(binary, (c) => c.charCodeAt(0)) };
}

/** Bytes as standard padded base64 (what `publish` with `encoding: 'base64'` takes). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode with a million arguments overflows the stack.
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/** Size of a text in UTF-8 bytes (what the hub counts against its message limit). */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
