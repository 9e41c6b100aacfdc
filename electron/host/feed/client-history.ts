/**
 * The last disconnects of each registration (reason and close code), for the client detail
 * panel. Bounded twice: `disconnectsKept` per registration, and forgotten when it unregisters.
 */
import type { RelayEvent } from '../../../shared/hub';
import { disconnectsKept, type DisconnectRecord } from '../../../shared/traffic';

export class ClientHistory {
  readonly #disconnects = new Map<string, DisconnectRecord[]>();

  /** Records a disconnect, forgets an unregistered client; other events change nothing. */
  note(event: RelayEvent): void {
    if (event.type === 'unregistered') {
      this.#disconnects.delete(event.id);
      return;
    }
    if (event.type !== 'disconnected') return;
    const record: DisconnectRecord = { at: Date.now(), reason: event.reason, code: event.code };
    const list = this.#disconnects.get(event.id);
    if (list === undefined) {
      this.#disconnects.set(event.id, [record]);
      return;
    }
    list.unshift(record);
    if (list.length > disconnectsKept) list.length = disconnectsKept;
  }

  /** The client's last disconnects, newest first. */
  of(id: string): DisconnectRecord[] {
    return [...(this.#disconnects.get(id) ?? [])];
  }

  /** Registrations with a recorded disconnect (tests). */
  get size(): number {
    return this.#disconnects.size;
  }
}
