/**
 * Packages as people install them: `npm pack` a folder, then `npm install --offline` the tarball
 * into an empty project (dependencies come from npm's local cache, which `npm ci` filled).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed: ${result.status}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Builds what `only` names into `out` instead of dist/ (so that a package test never races a
 * build of dist/ that another test runs): `node scripts/build.mjs --out <out> --only …`.
 */
export function buildInto(out: string, only: string[]): void {
  run(process.execPath, ['scripts/build.mjs', '--out', out, ...only.flatMap((name) => ['--only', name])], root);
}

/** `npm pack` of `folder` into a temporary dir: the tarball's path, its file list and its size. */
export function pack(
  folder: string,
  extra: string[] = [],
): { tarball: string; files: string[]; size: number; unpackedSize: number } {
  const destination = mkdtempSync(join(tmpdir(), 'relay-hub-pack-'));
  const out = run('npm', ['pack', '--json', '--pack-destination', destination, ...extra], folder);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  if (info === undefined) throw new Error(`npm pack printed no result: ${out}`);
  return {
    tarball: join(destination, info.filename),
    files: info.files.map((file) => file.path).sort(),
    size: info.size,
    unpackedSize: info.unpackedSize,
  };
}

/**
 * The registry tarball URL of `name` at the version this repository's lockfile holds: npm's cache
 * has it (npm ci put it there), so `--offline` installs it without asking the registry anything.
 */
export function cachedTarball(name: string, at = `node_modules/${name}`): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[at]?.version;
  if (version === undefined) throw new Error(`${name} is not in package-lock.json`);
  const registry = run('npm', ['config', 'get', 'registry'], root).trim().replace(/\/+$/, '');
  return `${registry}/${name}/-/${name.split('/').at(-1) ?? name}-${version}.tgz`;
}

/** An empty project in a temporary dir with `specs` installed offline; returns its path. */
export function installOffline(specs: string[], manifest: Record<string, unknown> = {}): string {
  const project = mkdtempSync(join(tmpdir(), 'relay-hub-project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'probe', private: true, ...manifest }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], project);
  return project;
}

/** A hub started as a command (the CLI bundle, `npx relay-hub`…), with what it printed. */
export interface HubProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stdout: () => string;
  stop: () => Promise<void>;
}

/** Starts `command args` in `cwd` and resolves once the hub says how to register a device. */
export async function startHubProcess(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<HubProcess> {
  // MQTT off unless asked (never the default ports 1883 and 8883 in a test). A process group of
  // its own: `npx relay-hub` runs the hub as a grandchild, which a kill of npx alone leaves running.
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, RELAY_HUB_MQTT_PORT: 'off', RELAY_HUB_MQTTS_PORT: 'off', ...env },
    detached: true,
  });
  const killAll = (): void => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is gone already
    }
  };
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Register a device/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killAll();
      throw new Error(`${command} ${args.join(' ')} did not start: ${out}${err}`);
    }
    await Promise.race([once(child.stdout, 'data'), once(child, 'exit'), sleep(1_000)]);
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      killAll(); // what it started may outlive it
      return;
    }
    const exited = once(child, 'exit');
    killAll();
    await exited;
  };
  return { child, port: Number(/listening on .*:(\d+)/.exec(out)?.[1]), stdout: () => out, stop };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The registry tarballs of this repository's production dependency tree (every lockfile entry not
 * marked dev), each at the version of its own entry (a nested copy may differ from the top one).
 */
export function productionTarballs(): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true)
    .map(([path]) => cachedTarball(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), path));
}

/**
 * The command of the README's Install list (`<!-- install-commands -->`) that starts with
 * `start`, as words: the package tests run these as written, adding only what no network needs.
 */
export function readmeInstallCommand(start: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const list = readme.slice(
    readme.indexOf('<!-- install-commands -->'),
    readme.indexOf('\n## ', readme.indexOf('## Install')),
  );
  const command = [...list.matchAll(/`([^`]+)`/g)].map(([, text]) => text ?? '').find((text) => text.startsWith(start));
  if (command === undefined) throw new Error(`README's Install list names no \`${start}…\` command`);
  return command.split(' ');
}
