/**
 * The README's tour, run as written against a real hub (only the hub's address changes): the
 * `curl` block in bash, the Python device with Debian's /usr/bin/python3 and python3-websockets.
 * Every other shell block of the README is a command of this repository, checked to exist.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, startHub, type TestHub } from '../support/relay';
import { readmeBlock, readmeHub } from '../support/readme';
import { waitFor } from '../support/sdk';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  hub = null;
});

describe('the README tour', () => {
  it('runs the curl block: health, register, two publishes, unregister', async () => {
    hub = await startHub();
    const script = readmeBlock('tour-curl').replaceAll(readmeHub, hub.base);
    const run = spawn('bash', ['-euo', 'pipefail', '-c', script]);
    let out = '';
    run.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/^\{"status":"ok"/);
    expect(out.match(/\{"delivered":0,"offset":\d+,"epoch":"[^"]+"\}/g)).toHaveLength(2);
    expect(out).toMatch(/\{"removed":true,"id":"[0-9a-f-]+"\}$/);
    // It left nothing behind: the registration it made is gone.
    expect(hub.relay.stats().registered).toBe(0);
  });

  it('runs the Python device: it receives what is published to its topics', async () => {
    hub = await startHub();
    const code = readmeBlock('tour-python').replaceAll(readmeHub, hub.base);
    const device = spawn('/usr/bin/python3', ['-c', code]);
    let out = '';
    device.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    device.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => out.includes('listening'), `the device to listen (output: ${out})`);
      // Its topics frame may still be in flight: publish until the receipt says it reached the device.
      const port = hub.port;
      for (let tries = 0; ; tries++) {
        const res = await postJson(port, '/publish', { topic: 'dogs', message: 'hello' });
        if ((res.json as { delivered: number }).delivered === 1) break;
        if (tries > 200) throw new Error(`the device never subscribed to dogs (output: ${out})`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await waitFor(() => out.includes('got hello'), `the device printing the message (output: ${out})`);
    } finally {
      device.kill();
    }
  });

  it('has no other shell block than the quick start and npm scripts that exist', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const scripts = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { scripts: object })
      .scripts;
    const tour = readmeBlock('tour-curl');
    const blocks = [...readme.matchAll(/```sh\n([^]*?)```/g)].map((m) => m[1] as string).filter((b) => b !== tour);
    const commands = blocks.flatMap((b) => b.split('\n').filter((line) => line.trim() !== ''));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) {
      const command = line.replace(/#.*$/, '').trim();
      for (const part of command.split('&&').map((p) => p.trim())) {
        expect(part, line).toMatch(/^npm (ci|start|run \S+)$/);
        const script = /^npm run (\S+)$/.exec(part)?.[1] ?? (part === 'npm start' ? 'start' : null);
        if (script !== null) expect(Object.keys(scripts), line).toContain(script);
      }
    }
  });
});
