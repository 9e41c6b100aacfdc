/**
 * The headless hub as one process: parses flags and environment, starts the relay (and the
 * dashboard with `--dashboard`), prints the URLs, and stops cleanly on SIGINT/SIGTERM.
 * Used by the CLI bundle and by the desktop app's `--headless` mode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mosquittoSubLine, mqttUrls, mqttWebSocketUrls } from '../../shared/mqtt-address';
import { cliDefaults, helpText, parseCli, tokenFromFile } from './args';
import { createHubHost, type HubHost } from '../host/index';

/** Where the headless hub finds things. */
export interface HeadlessOptions {
  /** The built renderer served at /dashboard/ (`dist/renderer`). */
  staticDir: string;
  /** The built device SDK served at /sdk/relay-hub-client.mjs (`dist/client/index.mjs`). */
  sdkFile?: string;
  /** The built phone page served at /device (`dist/device`). */
  devicePage?: string;
  /** Program name in messages (default `relay-hub`). */
  name?: string;
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code (2 bad usage, 1 cannot listen). */
export async function runHeadless(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: HeadlessOptions,
): Promise<number> {
  const name = options.name ?? 'relay-hub';
  let command;
  const readToken = (path: string): string => tokenFromFile(path, (file) => readFileSync(file, 'utf8'));
  try {
    command = parseCli(argv, env);
    if (command.kind === 'run' && command.tokenFile !== undefined) {
      command.relay.accessToken = readToken(command.tokenFile);
    }
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}\nTry: ${name} --help`);
    return 2;
  }
  if (command.kind === 'help') {
    console.log(helpText());
    return 0;
  }
  const { tokenFile } = command;
  let host: HubHost;
  try {
    host = createHubHost({
      relay: { ...cliDefaults(env), ...command.relay },
      dashboard: command.dashboard ? { staticDir: options.staticDir, token: command.dashboardToken } : null,
      sdkFile: options.sdkFile ?? null,
      devicePage: options.devicePage ?? null,
      // A token rotated from the dashboard is written to the file, so a later SIGHUP keeps it.
      tokenFile: tokenFile ?? null,
    });
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}`);
    return 2;
  }
  const status = await host.start();
  if (status.state !== 'running' || status.listen === null) {
    const { code, message } = status.error ?? { code: '', message: 'cannot listen' };
    const hint = code === 'EADDRINUSE' ? ' with --port' : '';
    console.error(`${name}: ${message}${hint}`);
    await host.stop();
    return 1;
  }
  // Listen for signals before printing: a supervisor may signal as soon as it reads the URLs.
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      console.log(`${name}: ${signal} received, stopping…`);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  // Without a restart, `kill -HUP <pid>` re-reads the token file (rotation) and the TLS files (renewal).
  const cert = host.relay.options.tlsCertFile;
  const reload = (): void => {
    if (tokenFile !== undefined) {
      try {
        host.relay.setAccessToken(readToken(tokenFile));
        console.log(`${name}: access token reloaded from ${tokenFile}`);
      } catch (error) {
        console.error(`${name}: ${(error as Error).message}; keeping the current token`);
      }
    }
    if (cert !== null) {
      host.relay.reloadTls().then(
        () => console.log(`${name}: TLS certificate reloaded from ${cert}`),
        (error: unknown) => console.error(`${name}: ${(error as Error).message}; keeping the current certificate`),
      );
    }
  };
  const reloads = tokenFile !== undefined || cert !== null;
  if (reloads) process.on('SIGHUP', reload);
  const info = status.listen;
  const lines = [`Relay Hub listening on ${info.host}:${info.port}`, 'Devices can reach it at:'];
  for (const url of info.urls) lines.push(`  ${url}`);
  const dashboard = host.dashboardInfo();
  if (dashboard !== null) {
    lines.push(`Dashboard: ${dashboard.url}`);
    if (!existsSync(join(options.staticDir, 'index.html'))) {
      lines.push(`  (dashboard files not found in ${options.staticDir}; build them with: npm run build)`);
    }
  }
  const example = info.urls[0] ?? `http://127.0.0.1:${info.port}`;
  // With an access token, show where it goes without printing the secret.
  const auth = command.relay.accessToken ? ` -H "authorization: Bearer $RELAY_HUB_TOKEN"` : '';
  const mqtt = mqttUrls(info);
  if (mqtt.length > 0) {
    lines.push(`MQTT: ${mqtt.join('  ')} (and ${mqttWebSocketUrls(info)[0] ?? '/mqtt'})`);
    lines.push(`  Listen to everything: ${mosquittoSubLine(mqtt[0] ?? '', auth === '' ? null : '"$RELAY_HUB_TOKEN"')}`);
  }
  if (info.mqtt?.problem) lines.push(info.mqtt.problem);
  // With TLS, a self-signed certificate must be trusted by the client: show curl how.
  const quoted = cert !== null && !/^[\w./@:+-]+$/.test(cert) ? `'${cert.replaceAll("'", `'\\''`)}'` : cert;
  const cacert = quoted === null ? '' : ` --cacert ${quoted}`;
  lines.push(
    `Register a device: curl${cacert} -X POST ${example}/register -H 'content-type: application/json'${auth} -d '{"user_id": 1}'`,
  );
  if (cert !== null) {
    lines.push(
      `TLS: https and wss:// with ${cert}. Devices must trust it if self-signed (curl --cacert, or -k to test). ` +
        `Renewed it? Replace the files, then kill -HUP ${process.pid}.`,
    );
  }
  if (auth !== '') {
    const rotate =
      tokenFile === undefined
        ? ''
        : ` Rotate it: edit ${tokenFile}, then kill -HUP ${process.pid} (or from the dashboard, which rewrites the file).`;
    lines.push(`Access token required on register, unregister and publish.${rotate}`);
  } else lines.push('Open to the whole network: anyone on it can register and publish (see --token).');
  console.log(lines.join('\n'));
  await stopRequested;
  if (reloads) process.off('SIGHUP', reload);
  await host.stop();
  console.log(`${name}: stopped`);
  return 0;
}
