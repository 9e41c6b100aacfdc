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

/** CSV (RFC 4180: quoted fields, doubled quotes, CRLF rows) as objects keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  const [header = [], ...records] = rows;
  return records.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])));
}
