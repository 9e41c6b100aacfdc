/**
 * Every request the SDK makes to a hub has a deadline: a hub that accepts the TCP connection and
 * never answers must not leave a client waiting forever (centrifuge-js gives each command a
 * timeout the same way).
 */
import { RelayError } from './types';

/** How long a request may take when `timeoutMs` is not given (ms). */
export const defaultTimeoutMs = 10_000;

/** The hub did not answer in time: code `timeout`. */
export function timeoutError(what: string, ms: number): RelayError {
  return new RelayError('timeout', `${what}: no answer from the hub within ${ms} ms`);
}

/**
 * Runs `request` with an AbortSignal (where the platform has one) that fires after `ms`; rejects
 * with a `timeout` RelayError then, even when the request ignores the signal.
 */
export function withTimeout<T>(
  ms: number,
  what: string,
  request: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(timeoutError(what, ms));
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
