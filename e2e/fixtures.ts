/** Playwright fixtures: a fresh real hub per test, and devices that are closed after it. */
import { test as base, expect } from '@playwright/test';
import { connectDevice, type Device } from './devices';
import { type HubProcess, startHub } from './hub';

/** Fixtures every spec gets. */
export interface HubFixtures {
  hub: HubProcess;
  /** Registers and connects a real device; every device is closed when the test ends. */
  device: (userId: number, topics?: string[]) => Promise<Device>;
}

export const test = base.extend<HubFixtures>({
  // Every page fails its test on an uncaught error or a Content-Security-Policy violation.
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        problems.push(`CSP: ${message.text()}`);
      }
    });
    await use(page);
    expect(problems).toEqual([]);
  },
  // Playwright reads the fixtures a fixture needs from this destructuring; this one needs none.
  // eslint-disable-next-line no-empty-pattern
  hub: async ({}, use) => {
    const hub = await startHub();
    await use(hub);
    await hub.stop();
  },
  device: async ({ hub }, use) => {
    const devices: Device[] = [];
    await use(async (userId, topics = []) => {
      const device = await connectDevice(hub.baseUrl, userId, topics);
      devices.push(device);
      return device;
    });
    for (const device of devices) device.close();
  },
});

export { expect };
