import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { accessLogger } from './access-log.ts';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = pino({ level, redact: { paths: ['req.headers.authorization'], censor: '[redacted]' } }, { write: (line: string) => { lines.push(line); } });
  return { logger, lines };
}

/** The two lines with their `time` set equal (they are written a moment apart), as parsed JSON and as key order. */
function comparable(line: string) {
  const value = JSON.parse(line) as Record<string, unknown>;
  value.time = 0;
  return { value, keys: Object.keys(value) };
}

describe('accessLogger', () => {
  const entries = [
    { requestId: 'req-1', method: 'POST', route: '/call', status: 200, ms: 0.4, principal: '0b1f0d2e-5c8e-4d8a-9f1e-2d3c4b5a6978' },
    { requestId: 'a.b-c_d', method: 'GET', route: 'unmatched', status: 404, ms: 12 },
    { requestId: 'x', method: 'POST', route: '/call/:id', status: 500, ms: 1.3, principal: 'quote " back\\slash \u2028 é 日本' },
  ];

  it('writes the same line as logger.info(entry, "request"), field for field and in the same order', () => {
    for (const entry of entries) {
      const { logger, lines } = capture();
      logger.info(entry, 'request');
      accessLogger(logger)(entry);
      assert.equal(lines.length, 2);
      assert.ok(lines[1].endsWith('}\n'));
      assert.deepEqual(comparable(lines[1]), comparable(lines[0]));
    }
  });

  it('carries a child logger\'s bindings like pino does', () => {
    const { logger, lines } = capture();
    const child = logger.child({ service: 'api' });
    child.info(entries[0], 'request');
    accessLogger(child)(entries[0]);
    assert.deepEqual(comparable(lines[1]), comparable(lines[0]));
    assert.equal(comparable(lines[1]).value.service, 'api');
  });

  it('follows the logger\'s level, also when it changes later', () => {
    const { logger, lines } = capture('warn');
    const write = accessLogger(logger);
    write(entries[0]);
    assert.equal(lines.length, 0);
    logger.level = 'info';
    write(entries[0]);
    assert.equal(lines.length, 1);
  });
});
