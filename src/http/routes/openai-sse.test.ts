import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sseResponse } from './openai-sse.ts';

async function chunksOf(response: Response): Promise<string[]> {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for await (const chunk of response.body as ReadableStream<Uint8Array>) out.push(decoder.decode(chunk));
  return out;
}

it('writes events ready in the same turn of the event loop together, in order', async () => {
  async function* ready() {
    for (const n of [1, 2, 3, 4, 5]) yield `{"n":${n}}`;
  }
  const response = sseResponse(ready());
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  const chunks = await chunksOf(response);
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0], [1, 2, 3, 4, 5].map((n) => `data: {"n":${n}}\n\n`).join(''));
});

it('writes events that arrive in later turns as they come', async () => {
  async function* spaced() {
    for (const n of [1, 2, 3]) {
      await nextTurn();
      await nextTurn();
      yield String(n);
    }
  }
  const chunks = await chunksOf(sseResponse(spaced()));
  assert.ok(chunks.length >= 2, `got ${chunks.length} writes`);
  assert.equal(chunks.join(''), 'data: 1\n\ndata: 2\n\ndata: 3\n\n');
});

it('stops the source when the reader goes away', async () => {
  let finished = false;
  async function* endless() {
    try {
      for (let n = 0; ; n++) {
        await nextTurn();
        yield String(n);
      }
    } finally {
      finished = true;
    }
  }
  const reader = (sseResponse(endless()).body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await reader.cancel();
  for (let i = 0; i < 5 && !finished; i++) await nextTurn();
  assert.equal(finished, true);
});
