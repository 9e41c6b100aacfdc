/**
 * The headless hub: `relay-hub [--host H] [--port P] ...` runs the relay as one Node process,
 * prints the URLs devices can use, and stops cleanly on SIGINT/SIGTERM.
 */
import { createRelay, type Relay } from './index';
import { helpText, parseCli } from './cli-args';

async function main(): Promise<number> {
  let command;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`relay-hub: ${(error as Error).message}\nTry: relay-hub --help`);
    return 2;
  }
  if (command.kind === 'help') {
    console.log(helpText());
    return 0;
  }
  let relay: Relay;
  try {
    relay = createRelay(command.relay);
  } catch (error) {
    console.error(`relay-hub: ${(error as Error).message}`);
    return 2;
  }
  const { host, port } = relay.options;
  try {
    const info = await relay.start();
    console.log(`Relay Hub listening on ${host}:${info.port}`);
    console.log('Devices can reach it at:');
    for (const url of info.urls) console.log(`  ${url}`);
    const example = info.urls[0] ?? `http://127.0.0.1:${info.port}`;
    console.log(
      `Register a device: curl -X POST ${example}/register -H 'content-type: application/json' -d '{"user_id": 1}'`,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      console.error(`relay-hub: port ${port} is already in use on ${host}; choose another with --port`);
    else if (code === 'EACCES')
      console.error(`relay-hub: not allowed to listen on ${host}:${port}; try a port above 1024`);
    else console.error(`relay-hub: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      console.log(`relay-hub: ${signal} received, stopping…`);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await relay.stop();
  console.log('relay-hub: stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('relay-hub: fatal:', error);
    process.exitCode = 1;
  },
);
