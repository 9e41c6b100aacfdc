/**
 * How many webhooks deep a publish is: a hook's POST carries `X-Relay-Hub-Hop: n`; a receiver that
 * publishes back sends it along with `POST /publish`, the publish carries it to the hub's taps
 * (`Hub.publishHop`), and the webhooks door stops a loop after a few hops.
 */

/** The header a hook's request carries, and a receiver sends back with its publish. */
export const hopHeader = 'x-relay-hub-hop';

/** The hop count a request carries (0 without the header; capped at 100). */
export function hopOf(value: string | string[] | undefined): number {
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value)) return 0;
  return Math.min(Number(value), 100);
}
