// readBody over a real socket: every way a body can arrive gives the same bytes, and the request stream always runs
// to its end (a stream left unfinished would be drained and its keep-alive socket closed by the Node adapter).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createConnection, type Socket } from 'node:net';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { readBody } from './request-body.ts';

let server: ServerType;
let port: number;
before(async () => {
  const app = new Hono();
  app.post('/echo', async (c) => {
    const incoming = (c.env as { incoming: IncomingMessage }).incoming;
    // One await first, as /call awaits the key check: by then a body that came with its headers is buffered, though
    // the parser has not yet marked the message complete (the case readBody takes at once).
    await Promise.resolve();
    const body = await readBody(c);
    // Does the stream reach its end while the handler still holds the response back?
    const ended = incoming.readableEnded || await Promise.race([once(incoming, 'end').then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 1000))]);
    return c.json({ body: body.toString('utf8'), ended });
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Reads one HTTP/1.1 response with a content-length from the socket. */
function response(socket: Socket): Promise<{ status: number; json: { body: string; ended: boolean } }> {
  return new Promise((resolve) => {
    let data = '';
    const onData = (chunk: Buffer) => {
      data += chunk;
      const split = data.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(data)?.[1]);
      if (split < 0 || Buffer.byteLength(data.slice(split + 4)) < length) return;
      socket.off('data', onData);
      resolve({ status: Number(data.slice(9, 12)), json: JSON.parse(data.slice(split + 4)) });
    };
    socket.on('data', onData);
  });
}

async function connected(): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

const head = (length: number) => `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends the pieces on a new connection, 20 ms apart, and reads the response. */
async function sendInPieces(pieces: string[]): Promise<{ status: number; json: { body: string; ended: boolean } }> {
  const socket = await connected();
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await pause(20);
    socket.write(piece);
  }
  const res = await response(socket);
  socket.destroy();
  return res;
}

describe('readBody', () => {
  it('takes a body that came with its headers, lets the stream end, and the keep-alive socket serves the next request', async () => {
    const socket = await connected();
    const body = JSON.stringify({ key: 'x', params: { text: 'ünïcode ✓' } });
    socket.write(head(Buffer.byteLength(body)) + body);
    const first = await response(socket);
    assert.deepEqual([first.status, first.json], [200, { body, ended: true }]);
    await pause(700); // past the adapter's 500 ms drain timeout, which would close a socket whose request never ended
    socket.write(head(Buffer.byteLength(body)) + body);
    const second = await response(socket);
    assert.deepEqual([second.status, second.json], [200, { body, ended: true }]);
    socket.destroy();
  });

  it('waits for a body that arrives after its headers, in pieces', async () => {
    const body = '{"key":"trickled","params":{}}';
    const res = await sendInPieces([head(body.length), body.slice(0, 7), body.slice(7)]);
    assert.deepEqual([res.status, res.json], [200, { body, ended: true }]);
  });

  it('waits for the rest when only part of the declared body came with the headers', async () => {
    const body = '{"key":"split","params":{"a":1}}';
    const res = await sendInPieces([head(body.length) + body.slice(0, 12), body.slice(12)]);
    assert.deepEqual([res.status, res.json], [200, { body, ended: true }]);
  });

  it('reads a chunked body (no declared length)', async () => {
    const res = await sendInPieces(['POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n']);
    assert.deepEqual([res.status, res.json], [200, { body: '{"a":1}', ended: true }]);
  });
});
