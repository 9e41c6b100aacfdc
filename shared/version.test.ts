import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relayHubVersion } from './version';

describe('version', () => {
  it('is the package version (the hub announces it over mDNS)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(relayHubVersion).toBe(pkg.version);
  });
});
