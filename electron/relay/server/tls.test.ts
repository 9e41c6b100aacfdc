import { describe, expect, it } from 'vitest';
import { certificateWarning } from './tls';

const day = 86_400_000;
const now = Date.parse('2026-11-22T12:00:00Z');

describe('certificateWarning', () => {
  it('says nothing for a certificate valid 30 days or more', () => {
    expect(certificateWarning(now + 30 * day, now)).toBeNull();
    expect(certificateWarning(now + 3650 * day, now)).toBeNull();
  });

  it('counts the days left under 30', () => {
    expect(certificateWarning(now + 30 * day - 1, now)).toBe('the TLS certificate expires in 29 days');
    expect(certificateWarning(now + day + 5, now)).toBe('the TLS certificate expires in 1 day');
    expect(certificateWarning(now + 60_000, now)).toBe('the TLS certificate expires in less than a day');
  });

  it('says when an expired certificate expired', () => {
    expect(certificateWarning(now, now)).toBe('the TLS certificate expired on 2026-11-22T12:00:00.000Z');
    expect(certificateWarning(now - 2 * day, now)).toBe('the TLS certificate expired on 2026-11-20T12:00:00.000Z');
  });
});
