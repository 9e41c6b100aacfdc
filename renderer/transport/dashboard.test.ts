// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { takeToken } from './dashboard';

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
