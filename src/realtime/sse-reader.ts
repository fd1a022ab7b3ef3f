/**
 * Reads a Server-Sent Events response frame by frame (the `zantara events` command, and tests that wait for
 * the events a staff console would see).
 */
export type SseFrame = { event?: string; id?: string; data?: string; comment?: string; retry?: number };

export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(response: Response) {
    if (!response.body) throw new Error('response has no body');
    this.#reader = response.body.getReader();
  }

  /** The next frame (comments included); rejects if the stream ends first. */
  async next(): Promise<SseFrame> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseFrame(raw);
      }
      const { done, value } = await this.#reader.read();
      if (done) throw new Error('stream ended');
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next frame that is an event (skipping heartbeats), as `{ type, id, data }`. */
  async nextEvent(): Promise<{ type: string; id?: string; data: any }> {
    for (;;) {
      const frame = await this.next();
      if (frame.event)
        return { type: frame.event, id: frame.id, data: frame.data === undefined ? undefined : JSON.parse(frame.data) };
    }
  }

  /** Whether the stream has ended (reads until the end). */
  async ended(): Promise<boolean> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return true;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = {};
  const data: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') frame.event = value;
      else if (field === 'id') frame.id = value;
      else if (field === 'retry') frame.retry = Number(value);
    }
  }
  if (data.length) frame.data = data.join('\n');
  return frame;
}
