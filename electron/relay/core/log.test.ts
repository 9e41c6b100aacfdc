import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyLine } from './log';

function logTo(format: 'json' | 'pretty'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-log-')), 'stderr');
  const fd = openSync(file, 'w');
  const log = createLogger('info', fd, format);
  log.info({ client: '5b0c1234', user: 7, remote: '127.0.0.1', urls: ['http://a:1'] }, 'connected');
  log.warn({ reason: 'slow consumer', err: new Error('boom') }, 'disconnected');
  log.debug('not at info');
  closeSync(fd);
  return readFileSync(file, 'utf8');
}

describe('createLogger', () => {
  it('writes one JSON object per line for machines', () => {
    const lines = logTo('json').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'connected', client: '5b0c1234', user: 7 });
  });

  it('writes readable lines for a person at a terminal', () => {
    const lines = logTo('pretty').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}connected client=5b0c1234 user=7 remote=127\.0\.0\.1 urls=\["http:\/\/a:1"\]$/,
    );
    expect(lines[1]).toMatch(/ WARN {2}disconnected reason="slow consumer" err="boom"$/);
  });

  it('colours the level only when asked, and passes anything that is not JSON through', () => {
    const line = JSON.stringify({
      level: 50,
      time: '2025-06-01T12:00:00.000Z',
      pid: 1,
      msg: 'cannot listen',
      code: 'EADDRINUSE',
    });
    expect(prettyLine(line, true)).toContain('\u001b[31mERROR\u001b[0m');
    expect(prettyLine(line)).toMatch(/ERROR cannot listen code=EADDRINUSE$/);
    expect(prettyLine('not json\n')).toBe('not json');
  });
});
