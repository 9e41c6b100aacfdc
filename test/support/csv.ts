/**
 * An RFC 4180 CSV reader for the tests that check exports (quoted fields, doubled quotes, CRLF
 * rows): the renderer's stream test and the e2e exports. Test machinery: nothing shipped imports it.
 */

/** CSV as rows of fields. */
export function csvRows(text: string): string[][] {
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
  return rows;
}

/** CSV as objects keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header = [], ...records] = csvRows(text);
  return records.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])));
}
