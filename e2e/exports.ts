/** Reading exports back in e2e tests: a download's text, NDJSON records, and RFC 4180 CSV. */
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';

/** Clicks `button`, waits for the download it starts, and returns its file name and text. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), text: await textOf(file) };
}

async function textOf(file: Download): Promise<string> {
  const path = await file.path();
  return readFile(path, 'utf8');
}

/** NDJSON: one JSON object per line. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export { parseCsv } from '../test/support/csv';
