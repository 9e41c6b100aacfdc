/** Locators for the GUI's parts, by role and accessible name (what an operator sees). */
import type { Browser, Locator, Page } from '@playwright/test';

/** The "Publish a message" form. */
export const publishForm = (page: Page): Locator => page.getByRole('form', { name: 'Publish a message' });

/** The "Register a device" form. */
export const registerForm = (page: Page): Locator => page.getByRole('form', { name: 'Register a device' });

/** The clients table row of one registration. */
export const clientRow = (page: Page, id: string): Locator =>
  page.locator(`[data-testid="client-row"][data-row-id="${id}"]`);

/** A phone: an iPhone-sized touch page that fails the test on a page error or a CSP violation. */
export async function openPhone(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  return { page, problems };
}
