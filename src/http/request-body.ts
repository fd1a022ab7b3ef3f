import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ZantaraError } from '../errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(): ZantaraError {
  return new ZantaraError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { status: 413 });
}

/**
 * Rejects a declared Content-Length over the limit before anything is read (every route, cheap: a header).
 * Bodies without a length are counted as they are read by `readBody`.
 */
export function checkDeclaredLength(c: Context): void {
  const declared = c.req.header('content-length');
  if (declared && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
}

/**
 * The raw request body, at most 1 MiB (413 `payload_too_large` beyond). On Node it is read straight from the
 * socket's IncomingMessage — building a web ReadableStream per request costs more than the rest of a /call —
 * and elsewhere (tests through app.request) from the web Request.
 */
export async function readBody(c: Context): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') {
    const bytes = Buffer.from(await c.req.arrayBuffer());
    if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
    return bytes;
  }
  if (!incoming.readableFlowing && !incoming.readableEnded) {
    if (incoming.complete) {
      // The whole body has arrived and waits in the stream's buffer: take it now.
      if (incoming.readableLength > MAX_BODY_BYTES) { incoming.resume(); throw tooLarge(); }
      return (incoming.read() as Buffer | null) ?? Buffer.alloc(0);
    }
    const declared = incoming.headers['content-length'];
    if (declared !== undefined && incoming.readableLength > 0 && incoming.readableLength === Number(declared)) {
      // Every declared byte is buffered (a small request comes in one packet) but the parser has not yet marked the
      // message complete: take the bytes now and let the stream run on to its end.
      const body = incoming.read() as Buffer;
      incoming.resume();
      return body;
    }
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) { cleanup(); incoming.resume(); reject(tooLarge()); return; }
      chunks.push(chunk);
    };
    const onEnd = () => { cleanup(); resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)); };
    const onError = (error: Error) => { cleanup(); reject(new ZantaraError('invalid_request', 'The request body could not be read.', { status: 400, cause: error })); };
    const cleanup = () => { incoming.off('data', onData); incoming.off('end', onEnd); incoming.off('error', onError); };
    if (incoming.readableEnded) { resolve(Buffer.alloc(0)); return; }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}
