/**
 * The Python device library (python/, package relay_hub) as people install it: `pip install
 * ./python` into a fresh venv that sees Debian's python3-websockets (`--system-site-packages`),
 * with no package index (`--no-index --no-build-isolation`: Debian's setuptools builds it), then
 * its own pytest suite (Debian's python3-pytest) against the real headless hub: publish with ack,
 * binary, registration by name, reconnect after kill -9 with recovery, the watchdog, deadlines.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInto, readmeInstallCommand, run } from '../support/pack';

const root = process.cwd();
const python = '/usr/bin/python3';
let work: string;
let venvPython: string;

/** A pytest run passed: exit 0 with at least `least` tests passed and none skipped (exit 5, no tests, fails). */
export function pytestPassed(status: number | null, output: string, least: number): boolean {
  const passed = Number(/(\d+) passed/.exec(output)?.[1] ?? 0);
  return status === 0 && passed >= least && !/skipped/.test(output);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'relay-hub-python-'));
  buildInto(join(work, 'dist'), ['cli']);
  cpSync(join(root, 'python'), join(work, 'python'), {
    recursive: true,
    filter: (path) => !/(__pycache__|\.egg-info|[/\\]build)$/.test(path),
  });
  run(python, ['-m', 'venv', '--system-site-packages', '--without-pip', 'venv'], work);
  venvPython = join(work, 'venv/bin/python');
  // The README's `pip install ./python`, with no index reachable: Debian's pip and setuptools.
  const [, ...pip] = readmeInstallCommand('pip install');
  expect(pip).toEqual(['install', './python']);
  run(venvPython, ['-m', 'pip', ...pip, '--no-index', '--no-build-isolation'], work);
}, 120_000);

describe('the relay_hub Python library', () => {
  it('is installed into the venv, and its tests pass there against the real hub', () => {
    const result = spawnSync(venvPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'python/tests'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        RELAY_HUB_CLI: join(work, 'dist/cli/relay-hub.cjs'),
        RELAY_HUB_NODE: process.execPath,
        RELAY_HUB_EXPECT_INSTALLED: '1',
        // The library's tests start hubs: MQTT off (never the default ports 1883 and 8883).
        RELAY_HUB_MQTT_PORT: 'off',
        RELAY_HUB_MQTTS_PORT: 'off',
        NODE_PATH: join(root, 'node_modules'),
      },
    });
    const output = `${result.stdout}${result.stderr}`;
    console.log(output.trim().split('\n').at(-1));
    expect(pytestPassed(result.status, output, 11), output).toBe(true);
  }, 120_000);

  it('counts a pytest run with no tests (exit 5) or a skipped test as a failure', () => {
    const empty = spawnSync(venvPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'venv/include'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(empty.status).toBe(5);
    expect(pytestPassed(empty.status, `${empty.stdout}`, 9)).toBe(false);
    expect(pytestPassed(0, '9 passed, 1 skipped in 3s', 9)).toBe(false);
    expect(pytestPassed(0, '9 passed in 3s', 9)).toBe(true);
  });
});
