// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../client/backoff';
import { createDashboardTransport, takeToken } from './dashboard';

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/dashboard/');
});

describe('takeToken', () => {
  it('takes the token from #token=…, keeps it for this tab and removes it from the address bar', () => {
    history.replaceState(null, '', '/dashboard/#token=abc%2Bdef');
    expect(takeToken(location, history, sessionStorage)).toBe('abc+def');
    expect(location.hash).toBe('');
    expect(location.pathname).toBe('/dashboard/');
    expect(takeToken(location, history, sessionStorage)).toBe('abc+def');
  });

  it('answers null when the page has no token at all', () => {
    expect(takeToken(location, history, sessionStorage)).toBeNull();
  });
});

describe('createDashboardTransport', () => {
  it('retries an unreachable hub with the device SDK’s full-jitter backoff', async () => {
    // Port 0: nothing can listen there, so both the socket and the /health probe fail.
    const port = 0;
    const random = (): number => 0.25;
    const transport = createDashboardTransport({
      token: 'secret',
      storage: sessionStorage,
      socketBase: `ws://127.0.0.1:${port}`,
      httpBase: `http://127.0.0.1:${port}`,
      backoff: { random },
    });
    const delays: number[] = [];
    await new Promise<void>((resolve) => {
      transport.onLink((state) => {
        if (state.kind !== 'reconnecting') return;
        delays.push(state.retryInMs);
        if (delays.length === 2) resolve();
      });
    });
    transport.close();
    expect(delays).toEqual([1, 2].map((attempt) => backoffDelay(attempt, { baseMs: 500, capMs: 10_000, random })));
    expect(delays).toEqual([250, 500]);
  });
});
