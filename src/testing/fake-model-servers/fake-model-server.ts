/**
 * Fake model servers on loopback for tests: each speaks one real wire format — OpenAI chat completions,
 * Anthropic Messages or Gemini generateContent — streamed (SSE) or not, as the client asks. A test scripts the
 * replies as a queue (text, tool calls, HTTP errors, delays) and reads back the requests it received.
 * Like Gemini 3, the Gemini fake signs its replies (`thoughtSignature`): the first functionCall part of a reply with
 * calls, else its last part. Each request records the signature its reply carried, so a test can check that the
 * next request sends it back on the same part.
 *
 * @example
 * const fake = await startFakeModelServer('openai');
 * fake.enqueue({ toolCalls: [{ name: 'bali-zero-pricing', args: { service: 'E33G' } }] }, { text: 'It costs…' });
 * // env: { OPENROUTER_API_KEY: 'test', OPENROUTER_BASE_URL: fake.baseURL }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WireFormat = 'openai' | 'anthropic' | 'gemini';

export type ScriptedToolCall = { name: string; args: Record<string, unknown>; id?: string };
export type ScriptedUsage = { input?: number; output?: number; cached?: number };

/**
 * Faults of a streamed reply (OpenAI format): `hang_before_first_token` sends the headers and then nothing;
 * `drop_after` sends `chunks` text chunks and then resets the connection; `stall_after` sends `chunks` and then
 * nothing more. A hanging reply hangs until the client goes away (or the server closes).
 */
export type StreamFault =
  | { kind: 'hang_before_first_token' }
  | { kind: 'drop_after'; chunks: number }
  | { kind: 'stall_after'; chunks: number };

export type ScriptedReply =
  | { text: string; usage?: ScriptedUsage; delayMs?: number; fault?: StreamFault }
  | { toolCalls: ScriptedToolCall[]; text?: string; usage?: ScriptedUsage; delayMs?: number }
  | { status: number; message?: string; delayMs?: number }
  /** The connection is reset before any response. */
  | { reset: true; delayMs?: number };

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  stream: boolean;
  /** The `thoughtSignature` the reply carried (Gemini replies only; not errors). */
  thoughtSignature?: string;
};

export type FakeModelServer = {
  format: WireFormat;
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The base URL to give the provider package (`<PROVIDER>_BASE_URL`). */
  baseURL: string;
  /** Appends replies to the queue; each request consumes one. */
  enqueue(...replies: ScriptedReply[]): void;
  /** What to answer when the queue is empty (default: a 500 saying the script ran out). */
  setDefault(reply: ScriptedReply | ((request: RecordedRequest) => ScriptedReply) | undefined): void;
  readonly requests: RecordedRequest[];
  pending(): number;
  /** Forgets the queue, the default reply and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
};

const TEXT_CHUNK = 6;

export async function startFakeModelServer(format: WireFormat): Promise<FakeModelServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: ScriptedReply | ((request: RecordedRequest) => ScriptedReply) | undefined;
  let counter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = req.url ?? '/';
    const stream = format === 'gemini' ? path.includes(':streamGenerateContent') : body.stream === true;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      stream,
    };
    requests.push(recorded);
    const reply = queue.shift() ??
      (typeof fallback === 'function' ? fallback(recorded) : fallback) ?? {
        status: 500,
        message: 'fake model server: no scripted reply left',
      };
    if (reply.delayMs) await sleepUnlessClosed(reply.delayMs, res);
    if (res.destroyed) return;
    if ('reset' in reply) {
      req.socket.destroy();
      return;
    }
    if ('status' in reply) return sendError(res, reply.status, reply.message ?? `scripted ${reply.status}`);
    counter++;
    const id = `fake-${counter}`;
    const calls =
      'toolCalls' in reply ? reply.toolCalls.map((c, i) => ({ ...c, id: c.id ?? `call_${counter}_${i}` })) : [];
    const text = reply.text ?? '';
    const usage = {
      input: reply.usage?.input ?? 10,
      output: reply.usage?.output ?? 5,
      cached: reply.usage?.cached ?? 0,
    };
    const model = String(body.model ?? path.match(/models\/([^:]+)/)?.[1] ?? 'fake-model');
    const fault = 'fault' in reply ? reply.fault : undefined;
    if (format === 'openai')
      return stream
        ? openaiStream(res, id, model, text, calls, usage, fault)
        : openaiJson(res, id, model, text, calls, usage);
    if (format === 'anthropic')
      return stream
        ? anthropicStream(res, id, model, text, calls, usage)
        : anthropicJson(res, id, model, text, calls, usage);
    // Opaque to the client and deterministic per test: the request's number since the last reset.
    const signature = Buffer.from(`fake-thought-signature/${requests.length}`).toString('base64');
    recorded.thoughtSignature = signature;
    return stream ? geminiStream(res, text, calls, usage, signature) : geminiJson(res, text, calls, usage, signature);
  }

  function sendError(res: ServerResponse, status: number, message: string): void {
    const payload =
      format === 'openai'
        ? { error: { message, type: 'fake_error', code: String(status) } }
        : format === 'anthropic'
          ? { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }
          : { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    format,
    url,
    baseURL: format === 'gemini' ? `${url}/v1beta` : `${url}/v1`,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    requests,
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Call = ScriptedToolCall & { id: string };
type Usage = { input: number; output: number; cached: number };

function sleepUnlessClosed(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += TEXT_CHUNK) out.push(text.slice(i, i + TEXT_CHUNK));
  return out;
}

function sse(res: ServerResponse): (data: unknown, event?: string) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return (data, event) => {
    res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
}

// ---- OpenAI chat completions ----
function openaiUsage(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached },
  };
}

function openaiJson(res: ServerResponse, id: string, model: string, text: string, calls: Call[], usage: Usage): void {
  const message: Record<string, unknown> = { role: 'assistant', content: text || null };
  if (calls.length)
    message.tool_calls = calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: JSON.stringify(c.args) },
    }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created: 1700000000,
      model,
      choices: [{ index: 0, message, finish_reason: calls.length ? 'tool_calls' : 'stop' }],
      usage: openaiUsage(usage),
    }),
  );
}

function openaiStream(
  res: ServerResponse,
  id: string,
  model: string,
  text: string,
  calls: Call[],
  usage: Usage,
  fault?: StreamFault,
): void {
  const send = sse(res);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    send({
      id,
      object: 'chat.completion.chunk',
      created: 1700000000,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  chunk({ role: 'assistant', content: '' });
  if (fault?.kind === 'hang_before_first_token') return;
  for (const [i, piece] of pieces(text).entries()) {
    if (fault && i === fault.chunks) {
      // The chunks already written reach the client first; then the connection ends in the middle of the body.
      if (fault.kind === 'drop_after') setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    chunk({ content: piece });
  }
  calls.forEach((c, index) => {
    const args = JSON.stringify(c.args);
    const half = Math.floor(args.length / 2);
    chunk({
      tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: args.slice(0, half) } }],
    });
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
  });
  chunk({}, calls.length ? 'tool_calls' : 'stop');
  // Groq reports streamed usage under x_groq; OpenAI-compatible servers in `usage`.
  send({
    id,
    object: 'chat.completion.chunk',
    created: 1700000000,
    model,
    choices: [],
    usage: openaiUsage(usage),
    x_groq: { usage: openaiUsage(usage) },
  });
  send('[DONE]');
  res.end();
}

// ---- Anthropic Messages ----
function anthropicUsage(u: Usage) {
  // Anthropic's input_tokens excludes tokens read from the cache.
  return {
    input_tokens: u.input - u.cached,
    output_tokens: u.output,
    cache_read_input_tokens: u.cached,
    cache_creation_input_tokens: 0,
  };
}

function anthropicJson(
  res: ServerResponse,
  id: string,
  model: string,
  text: string,
  calls: Call[],
  usage: Usage,
): void {
  const content: unknown[] = [];
  if (text) content.push({ type: 'text', text });
  for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.args });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: calls.length ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: anthropicUsage(usage),
    }),
  );
}

function anthropicStream(
  res: ServerResponse,
  id: string,
  model: string,
  text: string,
  calls: Call[],
  usage: Usage,
): void {
  const send = sse(res);
  send(
    {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicUsage(usage), output_tokens: 1 },
      },
    },
    'message_start',
  );
  let index = 0;
  if (text) {
    send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start');
    for (const piece of pieces(text))
      send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta');
    send({ type: 'content_block_stop', index }, 'content_block_stop');
    index++;
  }
  for (const c of calls) {
    send(
      { type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } },
      'content_block_start',
    );
    send(
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(c.args) } },
      'content_block_delta',
    );
    send({ type: 'content_block_stop', index }, 'content_block_stop');
    index++;
  }
  send(
    {
      type: 'message_delta',
      delta: { stop_reason: calls.length ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output },
    },
    'message_delta',
  );
  send({ type: 'message_stop' }, 'message_stop');
  res.end();
}

// ---- Gemini generateContent ----
function geminiUsage(u: Usage) {
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output,
    totalTokenCount: u.input + u.output,
    cachedContentTokenCount: u.cached,
  };
}

/**
 * A reply's parts, signed like Gemini 3's: a reply with calls signs its first functionCall part only (parallel calls
 * share one signature), a reply without calls signs its last part.
 */
function geminiParts(text: string, calls: Call[], signature: string): Array<Record<string, unknown>> {
  const parts: Array<Record<string, unknown>> = [];
  if (text) parts.push({ text });
  for (const [i, c] of calls.entries())
    parts.push({ functionCall: { name: c.name, args: c.args }, ...(i === 0 ? { thoughtSignature: signature } : {}) });
  if (!calls.length) {
    if (!parts.length) parts.push({ text: '' });
    parts[parts.length - 1].thoughtSignature = signature;
  }
  return parts;
}

function geminiJson(res: ServerResponse, text: string, calls: Call[], usage: Usage, signature: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      candidates: [
        { content: { role: 'model', parts: geminiParts(text, calls, signature) }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: geminiUsage(usage),
    }),
  );
}

/** Text in chunks; the last chunk carries the calls (or the last piece of text) with the signature. */
function geminiStream(res: ServerResponse, text: string, calls: Call[], usage: Usage, signature: string): void {
  const send = sse(res);
  const textPieces = pieces(text);
  const last = geminiParts(calls.length ? '' : (textPieces.pop() ?? ''), calls, signature);
  for (const piece of textPieces)
    send({ candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, index: 0 }] });
  send({
    candidates: [{ content: { role: 'model', parts: last }, finishReason: 'STOP', index: 0 }],
    usageMetadata: geminiUsage(usage),
  });
  res.end();
}
