/**
 * Every request the SDK makes to a hub has a deadline: a hub that accepts the TCP connection and
 * never answers must not leave a client waiting forever (centrifuge-js gives each command a
 * timeout the same way).
 */
/** How long a request may take when `timeoutMs` is not given (ms). */
export const defaultTimeoutMs = 10_000;

/** The message of a `timeout` failure. */
export function timeoutMessage(what: string, ms: number): string {
  return `${what}: no answer from the hub within ${ms} ms`;
}

/** An HTTP request to the hub got no answer in time (the client reports it with code `timeout`). */
export class TimeoutError extends Error {
  readonly code = 'timeout';
  constructor(what: string, ms: number) {
    super(timeoutMessage(what, ms));
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `request` with an AbortSignal (where the platform has one) that fires after `ms`; rejects
 * with a TimeoutError then, even when the request ignores the signal.
 */
export function withTimeout<T>(
  ms: number,
  what: string,
  request: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TimeoutError(what, ms));
      controller?.abort();
    }, ms);
    request(controller?.signal).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
