/** URLs as devices use them. Pure. */

/** The socket URL a device uses for registration `id`, from a hub base URL (`http://192.168.1.20:8000`). */
export function deviceSocketUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws/${id}`;
}
