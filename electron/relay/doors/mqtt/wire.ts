/**
 * The MQTT door's small pieces that need no broker state: who a CONNECT is (its password: a
 * device key's secret, the access token, or nothing on an open hub), how a payload becomes a hub
 * message, how subscriptions split into topics and filters, and the packet-size limit on
 * mqtt-packet's parser.
 */
import { isUtf8 } from 'node:buffer';
import type { Client } from 'aedes';
import type { DeviceKeyInfo } from '../../../../shared/keys';
import { hasWildcard } from '../../../../shared/topic-filter';
import type { Hub } from '../../core/hub';
import { keyIdOf } from '../../core/access/keys';
import { tokensMatch } from '../../core/access/secrets';

/** Who a connecting client is, from its CONNECT password. */
export interface Identity {
  userId: number | null;
  key: DeviceKeyInfo | null;
}

/**
 * The identity a CONNECT's password stands for, or null (CONNACK 5): a device key's secret (its
 * user: the one the username names among the key's, else its first), the access token (an
 * operator tool, no user), or no password on a hub with neither a token nor a working key.
 */
export function identify(hub: Hub, username: string | undefined, secret: string | undefined): Identity | null {
  const { accessToken } = hub.options;
  if (secret !== undefined && keyIdOf(secret) !== null) {
    const key = hub.keys.verify(secret);
    if (key === null) return null;
    const named = username !== undefined && /^\d+$/.test(username) ? Number(username) : NaN;
    return { key, userId: key.users.includes(named) ? named : (key.users[0] ?? null) };
  }
  if (accessToken !== null)
    return secret !== undefined && tokensMatch(secret, accessToken) ? { key: null, userId: null } : null;
  const keysInUse = hub.keys.records().some((key) => hub.keys.valid(key.id));
  // An open hub (no token, no key): anyone, whatever password a client's settings carry.
  return keysInUse ? null : { key: null, userId: null };
}

/** Splits subscriptions into exact topics (a map lookup in the core) and wildcard filters. */
export function split(subs: Iterable<string>): { topics: string[]; filters: string[] } {
  const topics: string[] = [];
  const filters: string[] = [];
  for (const sub of subs) (hasWildcard(sub) ? filters : topics).push(sub);
  return { topics, filters };
}

/** A payload (aedes gives a Buffer, or a string) as the hub keeps it: text when it is valid UTF-8, else the bytes. */
export function textOrBytes(payload: Buffer | string): string | Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return isUtf8(bytes) ? bytes.toString('utf8') : Buffer.from(bytes);
}

export function remoteOf(client: Client): string | null {
  return (client as unknown as { remote?: string }).remote ?? null;
}

/** Refuses a packet longer than `max` bytes as soon as its length is read (not after buffering it). */
export function limitPacketSize(client: Client, max: number): void {
  const parser = (client as unknown as { _parser: Record<string, unknown> })._parser;
  const parseLength = parser._parseLength as () => boolean;
  parser._parseLength = function (this: { packet: { length: number }; _emitError(error: Error): void }): boolean {
    const ok = parseLength.call(this);
    if (ok && this.packet.length > max) {
      this._emitError(new Error(`packet of ${this.packet.length} bytes is over the limit of ${max}`));
      return false;
    }
    return ok;
  };
}
