/**
 * The headless hub's command line: flags and environment (`args.ts`), `--help`, and the runner
 * (`headless.ts`) used by the CLI bundle (`bin.ts`) and by the desktop app's `--headless` mode.
 */
export { runHeadless, type HeadlessOptions } from './headless';
