/** Locators for the GUI's parts, by role and accessible name (what an operator sees). */
import type { Locator, Page } from '@playwright/test';

/** The "Publish a message" form. */
export const publishForm = (page: Page): Locator => page.getByRole('form', { name: 'Publish a message' });

/** The "Register a device" form. */
export const registerForm = (page: Page): Locator => page.getByRole('form', { name: 'Register a device' });

/** The clients table row of one registration. */
export const clientRow = (page: Page, id: string): Locator =>
  page.locator(`[data-testid="client-row"][data-row-id="${id}"]`);
