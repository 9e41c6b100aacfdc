import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../shared/traffic';
import { csvField, exportLine, logSource, messageSource } from './formats';
import { streamExport, type ExportSink } from './stream';
import { csvRows } from '../../test/support/csv';

function message(seq: number, text: string): MessageRecord {
  return {
    seq,
    at: Date.UTC(2025, 5, 1, 12, 0, 0, seq % 1000),
    topic: `room/${seq % 7}`,
    userId: seq % 3 === 0 ? null : seq,
    origin: seq % 2 === 0 ? 'http' : 'gui',
    bytes: text.length,
    delivered: seq % 5,
    body: { text },
    truncated: false,
  };
}

/** A sink that keeps the chunks and how long the exporter worked between two of them. */
/**
 * CPU ms of this test process so far: a slice's length in work done, which a loaded machine does
 * not stretch by descheduling the process (wall time did: 3–6 slices over 50 ms at a load of 10).
 */
const cpuMs = (): number => {
  // Node's process (Vitest runs these tests in Node); the renderer's types do not know it.
  const node = globalThis as unknown as { process: { cpuUsage(): { user: number; system: number } } };
  const { user, system } = node.process.cpuUsage();
  return (user + system) / 1000;
};

function recordingSink(): ExportSink & { chunks: string[]; slices: number[]; ended: boolean | null } {
  let last = cpuMs();
  const sink = {
    chunks: [] as string[],
    slices: [] as number[],
    ended: null as boolean | null,
    begin: () => {
      last = cpuMs();
      return Promise.resolve(true);
    },
    write: (chunk: string) => {
      sink.slices.push(cpuMs() - last);
      sink.chunks.push(chunk);
      return Promise.resolve().then(() => {
        last = cpuMs();
      });
    },
    end: (abort: boolean) => {
      sink.ended = abort;
      return Promise.resolve(abort ? '' : 'memory');
    },
  };
  return sink;
}

describe('exports', () => {
  it('quotes CSV fields only when they need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(exportLine(logSource, 'ndjson', { seq: 3, at: 0, kind: 'published', text: 'x' })).toBe(
      '{"time":"1970-01-01T00:00:00.000Z","seq":3,"event":"published","text":"x"}\n',
    );
  });

  it('streams 100,000 messages in short slices, and both formats parse back to the same records', async () => {
    const tricky = ['{"a": [1, 2]}', 'comma, "quote"', 'line\r\nbreak', 'ünïcødé ✓', '', '=1+1'];
    const rows = Array.from({ length: 100_000 }, (_, i) => message(i + 1, `${tricky[i % tricky.length]} #${i}`));
    for (const format of ['ndjson', 'csv'] as const) {
      const sink = recordingSink();
      const outcome = await streamExport(messageSource, format, rows, sink, { chunkChars: 256 * 1024 });
      expect(outcome).toEqual({ kind: 'done', where: 'memory', rows: 100_000 });
      expect(sink.ended).toBe(false);
      // Many chunks, each a short task: the budget is 8 ms a slice, in CPU time here. A GC pause
      // stretches a few; the median and nearly all stay short.
      expect(sink.chunks.length).toBeGreaterThan(20);
      const sorted = [...sink.slices].sort((x, y) => x - y);
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(16);
      expect(sorted.filter((ms) => ms > 50).length).toBeLessThanOrEqual(Math.ceil(sorted.length / 50));
      const text = sink.chunks.join('');
      const expected = rows.map((row) => messageSource.record(row));
      if (format === 'ndjson') {
        const parsed = text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown);
        expect(parsed).toEqual(expected);
      } else {
        const [header, ...records] = csvRows(text);
        expect(header).toEqual([...messageSource.columns]);
        expect(records).toHaveLength(100_000);
        const asText = expected.map((record) =>
          messageSource.columns.map((column) => (record[column] === null ? '' : String(record[column]))),
        );
        expect(records).toEqual(asText);
      }
    }
  });

  it('stops and discards the export when cancelled', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => message(i, 'x'.repeat(100)));
    const sink = recordingSink();
    let chunks = 0;
    const outcome = await streamExport(messageSource, 'csv', rows, sink, {
      chunkChars: 64 * 1024,
      onProgress: () => chunks++,
      cancelled: () => chunks >= 2,
    });
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(sink.ended).toBe(true);
    expect(sink.chunks).toHaveLength(2);
  });
});
