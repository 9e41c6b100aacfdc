// `npm run bench -- --compare <git-ref>`: builds another commit's headless hub in a temp dir, so the
// bench runs it beside this one. `git archive` of the commit (no worktree to clean up), `npm ci`
// from the npm cache (`--prefer-offline`, install scripts off), then its own `scripts/build.mjs
// --only cli`. A build is kept per commit in the temp dir and reused by the next run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The commit `ref` names, built: its directory and CLI bundle. */
export function buildRef(ref) {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), `relay-hub-bench-${commit.slice(0, 12)}`);
  const cli = join(dir, 'dist/cli/relay-hub.cjs');
  if (existsSync(cli)) return { commit, dir, cli };
  console.log(`building ${ref} (${commit.slice(0, 12)}) in ${dir} …`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const run = (command, args, options = {}) => {
    const result = spawnSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], ...options });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${dir} (exit ${result.status})`);
  };
  const archive = spawnSync('git', ['archive', '--format=tar', commit], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed`);
  run('tar', ['-x'], { input: archive.stdout, stdio: ['pipe', 'ignore', 'inherit'] });
  run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']);
  run(process.execPath, ['scripts/build.mjs', '--only', 'cli']);
  if (!existsSync(cli)) throw new Error(`${ref} built no ${cli}`);
  return { commit, dir, cli };
}

/** The `--flags` a CLI's `--help` lists. */
export function knownFlags(cli) {
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  return new Set([...`${help.stdout}${help.stderr}`.matchAll(/(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]));
}
