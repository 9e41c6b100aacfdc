/** Runs once before the e2e suite: says loudly, in one line, when the Electron spec cannot run here. */
import { electronBinary } from './electron-binary';

export default function globalSetup(): void {
  const binary = electronBinary();
  if ('reason' in binary) {
    console.log(
      `[e2e] SKIPPING the Electron spec: ${binary.reason}. The GUI is tested in Chromium through the dashboard instead.`,
    );
  }
}
