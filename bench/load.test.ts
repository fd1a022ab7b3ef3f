// The load generator must count what the server really served: a miscount would make every benchmark figure wrong.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { responseLength, runLoad } from './load.ts';

let server: http.Server;
let url: string;
let served = 0;
const bodies: string[] = [];
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      served++;
      if (req.url === '/echo') bodies.push(body);
      if (req.url === '/chunked') { res.writeHead(200); res.write('part one, '); res.end('part two'); return; }
      if (req.url === '/teapot') { res.writeHead(418, { 'content-length': 2 }); res.end('no'); return; }
      if (req.url === '/close') { res.writeHead(200, { 'content-length': 2, connection: 'close' }); res.end('ok'); return; }
      res.writeHead(200, { 'content-length': Buffer.byteLength(body || 'hello') });
      res.end(body || 'hello');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runLoad', () => {
  it('counts every response the server sent, no more and no fewer', async () => {
    served = 0;
    const result = await runLoad({ url: `${url}/`, concurrency: 4, seconds: 0.3 });
    assert.ok(result.requests > 10);
    assert.equal(result.requests, served);
    assert.equal(result.errors, 0);
    assert.ok(result.p50_ms > 0 && result.p99_ms >= result.p50_ms);
  });

  it('sends the bodies in turn, each with its length, UTF-8 included', async () => {
    bodies.length = 0;
    const sent = ['{"a":1}', '{"b":"ünï ✓"}', '{"c":3}'];
    const result = await runLoad({ url: `${url}/echo`, method: 'POST', headers: { 'content-type': 'application/json' }, bodies: sent, concurrency: 1, seconds: 0.2 });
    assert.equal(result.errors, 0);
    assert.equal(bodies.length, result.requests);
    assert.deepEqual(bodies.slice(0, 6), [...sent, ...sent]);
  });

  it('reads chunked responses', async () => {
    const result = await runLoad({ url: `${url}/chunked`, concurrency: 2, seconds: 0.2 });
    assert.ok(result.requests > 0);
    assert.equal(result.errors, 0);
  });

  it('counts a status other than the expected one as an error', async () => {
    const result = await runLoad({ url: `${url}/teapot`, concurrency: 2, seconds: 0.2 });
    assert.ok(result.requests > 0);
    assert.equal(result.errors, result.requests);
    assert.equal((await runLoad({ url: `${url}/teapot`, concurrency: 1, seconds: 0.1, expectStatus: 418 })).errors, 0);
  });

  it('opens a new connection when the server closes one, and carries on', async () => {
    const result = await runLoad({ url: `${url}/close`, concurrency: 2, seconds: 0.3 });
    assert.ok(result.requests > 2);
    assert.equal(result.errors, 0); // the generator saw "Connection: close" and opened a new connection itself
  });
});

describe('responseLength', () => {
  const head = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n';
  it('waits for the head and the declared body', () => {
    assert.equal(responseLength(Buffer.from('HTTP/1.1 200 OK\r\ncontent-le')), undefined);
    assert.equal(responseLength(Buffer.from(`${head}hel`)), undefined);
    assert.deepEqual(responseLength(Buffer.from(`${head}helloHTTP/1.1`)), { length: head.length + 5, status: 200 });
    assert.deepEqual(responseLength(Buffer.from(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)), { length: 57, status: 200, close: true });
  });
  it('frames chunked bodies by their last chunk, and refuses a response it cannot frame', () => {
    const chunked = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n';
    assert.equal(responseLength(Buffer.from(chunked)), undefined);
    assert.deepEqual(responseLength(Buffer.from(`${chunked}0\r\n\r\n`)), { length: chunked.length + 5, status: 201 });
    assert.deepEqual(responseLength(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), { length: -1, status: 200 });
  });
});
