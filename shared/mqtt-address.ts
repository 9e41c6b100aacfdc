/**
 * Where MQTT clients reach a hub, as the GUI, the dashboard and the headless hub's start-up
 * lines show it: `mqtt://<lan-host>:<port>` beside each HTTP URL, `ws(s)://…/mqtt`, and a
 * `mosquitto_sub` line to paste.
 */
import type { ListenInfo } from './hub';

/** The host of an `http(s)://host[:port]/…` URL (IPv6 in brackets), or null. */
function hostOf(url: string): string | null {
  return /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^:/?#]+)/i.exec(url)?.[1] ?? null;
}

/** `mqtt://host:port` for each of the hub's base URLs (empty when MQTT over TCP is off). */
export function mqttUrls(info: ListenInfo): string[] {
  const port = info.mqtt?.port ?? null;
  if (port === null) return [];
  return info.urls.flatMap((url) => {
    const host = hostOf(url);
    return host === null ? [] : [`mqtt://${host}:${port}`];
  });
}

/** `ws://host:port/mqtt` (`wss` with TLS) for each of the hub's base URLs: MQTT over WebSocket. */
export function mqttWebSocketUrls(info: ListenInfo): string[] {
  const path = info.mqtt?.path ?? '/mqtt';
  return info.urls.map((url) => `${url.replace(/^http/, 'ws').replace(/\/$/, '')}${path}`);
}

/**
 * A `mosquitto_sub` line that prints every message of the hub (`#`) with its topic, for an MQTT
 * URL; `password` is written as given (say `"$RELAY_HUB_TOKEN"`) when the hub needs one.
 */
export function mosquittoSubLine(mqttUrl: string, password: string | null = null): string {
  const host = (hostOf(mqttUrl) ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
  const port = /:(\d+)$/.exec(mqttUrl)?.[1] ?? '1883';
  const auth = password === null ? '' : ` -u operator -P ${password}`;
  return `mosquitto_sub -h ${host} -p ${port}${auth} -t '#' -v`;
}
