import type { KeysSlice, Slice } from './types';

/** Device keys: loaded on demand (the hub pushes no key changes), reloaded after every change made here. */
export const createKeysSlice: Slice<KeysSlice> = (set, get) => ({
  keys: null,
  keysError: null,
  keyDialog: null,
  keyToRevoke: null,
  askRevoke(keyToRevoke) {
    set({ keyToRevoke });
  },
  async loadKeys() {
    const result = await get().call('listKeys', null);
    if (result.ok) set({ keys: result.value.keys, keysError: null });
    else set({ keysError: result.error.message });
  },
  async revokeKey(id) {
    const result = await get().call('revokeKey', { id });
    set({ keyToRevoke: null });
    await get().loadKeys();
    return result.ok ? null : result.error.message;
  },
  openKeyDialog(keyDialog) {
    set({ keyDialog });
    // The dialog adds a key: the list shows it when the dialog closes.
    if (keyDialog === null) void get().loadKeys();
  },
});
