/**
 * The README and every page of docs/ link to files and headings that exist, and every page opens
 * with its title and a short summary of what it covers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, relativeLinks, slug } from './support/markdown';

const root = process.cwd();
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('docs', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Device SDK (`relay-hub/client`)')).toBe('device-sdk-relay-hubclient');
    expect(slug('Data dir: what survives a restart and a crash')).toBe('data-dir-what-survives-a-restart-and-a-crash');
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const broken: string[] = [];
    for (const link of relativeLinks(join(root, page))) {
      const [file = '', anchor] = link.split('#');
      const target = file === '' ? join(root, page) : resolve(dirname(join(root, page)), decodeURI(file));
      if (!existsSync(target)) broken.push(`${link} (no such file)`);
      else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
        broken.push(`${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(pages.filter((p) => p.startsWith('docs/')))('%s opens with its title and a summary', (page) => {
    const [title, blank, summary] = readFileSync(join(root, page), 'utf8').split('\n');
    expect(title).toMatch(/^# \S/);
    expect(blank).toBe('');
    expect(summary).toMatch(/^[A-Z`]/);
  });

  it('links every page of docs/ from the README', () => {
    const linked = new Set(relativeLinks(join(root, 'README.md')).map((link) => link.split('#')[0]));
    expect(pages.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});
