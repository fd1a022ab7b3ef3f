/**
 * The text tool protocol, for fine-tuned models without native tool calling. A language-model middleware:
 * - before the call, it removes the native tools, describes them in the system prompt and rewrites earlier tool
 *   calls/results in the conversation as text;
 * - after the call, it turns `[HANDLER CALL] key({...})`, `[HANDLER_CALL] key({...})` or `TOOL_CALL: key({...})` in
 *   the model's text into ordinary tool calls, so the agent loop is the same loop for every model.
 * Arguments are parsed with JSON.parse and checked against the tool's JSON Schema — never evaluated. A malformed
 * call gets one repair round; if the repair is malformed too, the call fails with `TextProtocolError`.
 */
import type {
  JSONSchema7,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Middleware,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { randomUUID } from 'node:crypto';
import { keyForToolName, toolNameForKey } from '../handlers/tool-names.ts';

const marker = Symbol.for('zantara.text-protocol-error');

/** The model's text could not be read as a handler call, even after a repair round. */
export class TextProtocolError extends Error {
  readonly [marker] = true;
  constructor(message: string) {
    super(message);
    this.name = 'TextProtocolError';
  }

  static isInstance(error: unknown): error is TextProtocolError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

export type ParsedCall = { toolName: string; input: Record<string, unknown> };
export type ParseOutcome = { text: string; calls: ParsedCall[]; problem?: string };

const MARKERS = ['[HANDLER CALL]', '[HANDLER_CALL]', 'TOOL_CALL:'];
const MARKER_PATTERN = /\[HANDLER[ _]CALL\]|TOOL_CALL:/g;

/**
 * Reads handler calls out of a model's text. `text` is what came before the first call. `problem` says why a
 * call could not be read (bad JSON, unknown tool, params not matching the schema).
 */
export function parseHandlerCalls(output: string, tools: readonly LanguageModelV4FunctionTool[]): ParseOutcome {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const matches = [...output.matchAll(MARKER_PATTERN)];
  if (matches.length === 0) return { text: output, calls: [] };
  const text = output.slice(0, matches[0].index).trimEnd();
  const calls: ParsedCall[] = [];
  for (const match of matches) {
    const rest = output.slice(match.index + match[0].length);
    const head = rest.match(/^\s*([A-Za-z0-9_.-]+)\s*\(\s*/);
    if (!head) return { text, calls, problem: `after ${match[0]} expected key({...json...})` };
    const written = head[1];
    const toolName = byName.has(written) ? written : safeToolName(written);
    const tool = toolName ? byName.get(toolName) : undefined;
    if (!tool)
      return {
        text,
        calls,
        problem: `unknown handler "${written}"; use one of: ${tools.map((t) => keyForToolName(t.name)).join(', ')}`,
      };
    const jsonStart = head[0].length;
    const jsonText = rest[jsonStart] === ')' ? '{}' : balancedJson(rest, jsonStart);
    if (jsonText === undefined)
      return { text, calls, problem: `the params of ${keyForToolName(tool.name)} are not a complete JSON object` };
    let input: unknown;
    try {
      input = JSON.parse(jsonText);
    } catch (error) {
      return {
        text,
        calls,
        problem: `the params of ${keyForToolName(tool.name)} are not valid JSON (${(error as Error).message})`,
      };
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return { text, calls, problem: `the params of ${keyForToolName(tool.name)} must be a JSON object` };
    const issues = validateJsonSchema(input, tool.inputSchema);
    if (issues.length)
      return {
        text,
        calls,
        problem: `the params of ${keyForToolName(tool.name)} do not match its schema: ${issues.slice(0, 5).join('; ')}`,
      };
    calls.push({ toolName: tool.name, input: input as Record<string, unknown> });
  }
  return { text, calls };
}

function safeToolName(written: string): string | undefined {
  try {
    return toolNameForKey(written);
  } catch {
    return undefined;
  }
}

/** The JSON object starting at `start` (first `{`), by brace matching outside strings; undefined when unbalanced. */
function balancedJson(text: string, start: number): string | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/** Checks the subset of JSON Schema that handler params use: types, enums, required, additionalProperties, items, bounds. */
export function validateJsonSchema(value: unknown, schema: JSONSchema7 | boolean | undefined, path = ''): string[] {
  if (schema === undefined || schema === true) return [];
  if (schema === false) return [`${path || '(root)'}: not allowed`];
  const where = path || '(root)';
  if (schema.anyOf)
    return schema.anyOf.some((s: unknown) => validateJsonSchema(value, s as JSONSchema7, path).length === 0)
      ? []
      : [`${where}: matches none of the allowed shapes`];
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value)))
    return [`${where}: must be one of ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`];
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
    return [`${where}: must be ${JSON.stringify(schema.const)}`];
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types && !types.some((t: string) => typeMatches(value, t))) return [`${where}: expected ${types.join(' or ')}`];
  const issues: string[] = [];
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      issues.push(`${where}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      issues.push(`${where}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) issues.push(`${where}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) issues.push(`${where}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items && !Array.isArray(schema.items)) {
    value.forEach((item, i) => issues.push(...validateJsonSchema(item, schema.items as JSONSchema7, `${path}[${i}]`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? [])
      if (!(name in record)) issues.push(`${path ? `${path}.` : ''}${name}: required`);
    for (const [name, v] of Object.entries(record)) {
      const sub = schema.properties?.[name];
      if (sub === undefined) {
        if (schema.additionalProperties === false) issues.push(`${path ? `${path}.` : ''}${name}: unknown field`);
        continue;
      }
      issues.push(...validateJsonSchema(v, sub as JSONSchema7, path ? `${path}.${name}` : name));
    }
  }
  return issues;
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/** The prompt section that teaches the text protocol and lists the offered tools. */
export function toolListPrompt(tools: readonly LanguageModelV4FunctionTool[]): string {
  const lines = tools.map(
    (t) =>
      `- ${keyForToolName(t.name)}: ${t.description ?? ''}\n  params (JSON Schema): ${JSON.stringify(t.inputSchema)}`,
  );
  return [
    'You can call these handlers. To call one, write on its own line exactly:',
    '[HANDLER CALL] handler.key({"param": "value"})',
    'with the params as one JSON object, then stop and wait for the result. Several calls may follow each other, one per line.',
    'Handlers:',
    ...lines,
  ].join('\n');
}

function callText(toolName: string, input: unknown): string {
  return `[HANDLER CALL] ${keyForToolName(toolName)}(${typeof input === 'string' ? input : JSON.stringify(input)})`;
}

/** Rewrites native tool calls and results in the prompt as text, and adds the tool list to the system prompt. */
function rewritePrompt(
  params: LanguageModelV4CallOptions,
  tools: LanguageModelV4FunctionTool[],
): LanguageModelV4CallOptions {
  const prompt: LanguageModelV4Message[] = [];
  const section = toolListPrompt(tools);
  let systemDone = false;
  for (const message of params.prompt) {
    if (message.role === 'system') {
      prompt.push(systemDone ? message : { role: 'system', content: `${message.content}\n\n${section}` });
      systemDone = true;
    } else if (message.role === 'assistant') {
      const text = message.content
        .map((part) =>
          part.type === 'text' ? part.text : part.type === 'tool-call' ? callText(part.toolName, part.input) : '',
        )
        .filter(Boolean)
        .join('\n');
      prompt.push({ role: 'assistant', content: [{ type: 'text', text }] });
    } else if (message.role === 'tool') {
      const text = message.content
        .map((part) =>
          part.type === 'tool-result'
            ? `[HANDLER RESULT] ${keyForToolName(part.toolName)}: ${JSON.stringify(part.output.type === 'json' || part.output.type === 'error-json' ? part.output.value : 'value' in part.output ? part.output.value : part.output)}`
            : '',
        )
        .filter(Boolean)
        .join('\n');
      prompt.push({ role: 'user', content: [{ type: 'text', text }] });
    } else prompt.push(message);
  }
  if (!systemDone) prompt.unshift({ role: 'system', content: section });
  return { ...params, prompt, tools: undefined, toolChoice: undefined };
}

function functionTools(params: LanguageModelV4CallOptions): LanguageModelV4FunctionTool[] {
  return (params.tools ?? []).filter((t): t is LanguageModelV4FunctionTool => t.type === 'function');
}

function repairParams(params: LanguageModelV4CallOptions, output: string, problem: string): LanguageModelV4CallOptions {
  return {
    ...params,
    prompt: [
      ...params.prompt,
      { role: 'assistant', content: [{ type: 'text', text: output }] },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: `Your handler call could not be read: ${problem}. Write it again, correctly, as [HANDLER CALL] handler.key({...json...}).`,
          },
        ],
      },
    ],
  };
}

function addUsage(a: LanguageModelV4Usage, b: LanguageModelV4Usage): LanguageModelV4Usage {
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  return {
    inputTokens: {
      total: sum(a.inputTokens.total, b.inputTokens.total),
      noCache: sum(a.inputTokens.noCache, b.inputTokens.noCache),
      cacheRead: sum(a.inputTokens.cacheRead, b.inputTokens.cacheRead),
      cacheWrite: sum(a.inputTokens.cacheWrite, b.inputTokens.cacheWrite),
    },
    outputTokens: {
      total: sum(a.outputTokens.total, b.outputTokens.total),
      text: sum(a.outputTokens.text, b.outputTokens.text),
      reasoning: sum(a.outputTokens.reasoning, b.outputTokens.reasoning),
    },
  };
}

/** The content with every text part reduced to what a user may see (parts left empty are dropped). */
function withVisibleText(content: LanguageModelV4Content[]): LanguageModelV4Content[] {
  return content.flatMap((c): LanguageModelV4Content[] => {
    if (c.type !== 'text') return [c];
    const text = visibleText(c.text);
    return text ? [{ ...c, text }] : [];
  });
}

function textOf(content: LanguageModelV4Content[]): string {
  return content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

function callId(): string {
  return `text-call-${randomUUID()}`;
}

// Markers of the fine-tuned models' own protocol: a thinking block runs from [THINKING] (or [REASONING]) to its
// closing marker, [RESPONSE]/[ANSWER]/[FINAL ANSWER] or a handler call; the markers themselves are never shown.
const THINKING_OPEN = /\[(?:THINKING|REASONING|THOUGHTS?)\]/i;
const THINKING_CLOSE =
  /\[\/(?:THINKING|REASONING|THOUGHTS?)\]|\[(?:RESPONSE|ANSWER|FINAL ANSWER|FINAL)\]|\[HANDLER[ _]CALL\]|TOOL_CALL:/i;
const BARE_MARKER =
  /\[\/?(?:RESPONSE|ANSWER|FINAL ANSWER|FINAL|THINKING|REASONING|THOUGHTS?|HANDLER[ _]RESULT|SYSTEM|USER|ASSISTANT)\][ \t]*\n?/gi;
const LONGEST_MARKER = '[/FINAL ANSWER]'.length;

/**
 * What a user may see of a model's text: thinking blocks removed (an unclosed one hides everything after it) and
 * protocol markers dropped. With `partial`, a trailing piece that may be the start of a marker is held back, so a
 * stream never shows half a marker; the result for a prefix is always a prefix of the result for the whole text.
 */
export function visibleText(text: string, partial = false): string {
  let out = '';
  let rest = text;
  for (;;) {
    const open = rest.search(THINKING_OPEN);
    if (open < 0) {
      out += rest;
      break;
    }
    out += rest.slice(0, open);
    const afterOpen = rest.slice(open).replace(THINKING_OPEN, '');
    const close = afterOpen.search(THINKING_CLOSE);
    if (close < 0) {
      rest = '';
      break;
    }
    // The closing marker is dropped below (a handler-call marker is kept for the call parser).
    rest = afterOpen.slice(close);
    rest = rest.replace(/^\[\/(?:THINKING|REASONING|THOUGHTS?)\][ \t]*\n?/i, '');
  }
  let visible = out.replace(BARE_MARKER, '');
  if (partial) {
    const lastOpen = visible.lastIndexOf('[');
    if (lastOpen >= 0 && visible.length - lastOpen <= LONGEST_MARKER && !visible.slice(lastOpen).includes(']'))
      visible = visible.slice(0, lastOpen);
  }
  // Leading whitespace (left where a thinking block was) is dropped; a prefix's result stays a prefix.
  return visible.trimStart();
}

/** How much of `buffer` can be shown now: everything before a (possibly partial) marker. */
function safeLength(buffer: string): { length: number; markerFound: boolean } {
  MARKER_PATTERN.lastIndex = 0;
  const found = buffer.search(MARKER_PATTERN);
  if (found >= 0) return { length: found, markerFound: true };
  for (let k = Math.min(buffer.length, 15); k > 0; k--) {
    const tail = buffer.slice(buffer.length - k);
    if (MARKERS.some((m) => m.startsWith(tail))) return { length: buffer.length - k, markerFound: false };
  }
  return { length: buffer.length, markerFound: false };
}

/** The middleware; wrap a provider model with `wrapLanguageModel({ model, middleware: textProtocolMiddleware() })`. */
export function textProtocolMiddleware(): LanguageModelV4Middleware {
  const toolsByParams = new WeakMap<LanguageModelV4CallOptions, LanguageModelV4FunctionTool[]>();
  return {
    specificationVersion: 'v4',
    async transformParams({ params }) {
      const tools = functionTools(params);
      if (tools.length === 0) return params;
      const rewritten = rewritePrompt(params, tools);
      toolsByParams.set(rewritten, tools);
      return rewritten;
    },

    async wrapGenerate({ doGenerate, params, model }) {
      const tools = toolsByParams.get(params);
      const result = await doGenerate();
      if (!tools) return { ...result, content: withVisibleText(result.content) };
      const output = textOf(result.content);
      let parsed = parseHandlerCalls(output, tools);
      let usage = result.usage;
      if (parsed.problem) {
        const repaired = await model.doGenerate(repairParams(params, output, parsed.problem));
        usage = addUsage(usage, repaired.usage);
        parsed = parseHandlerCalls(textOf(repaired.content), tools);
        if (parsed.problem)
          throw new TextProtocolError(
            `The model's handler call could not be read, even after a repair round: ${parsed.problem}.`,
          );
      }
      if (parsed.calls.length === 0) return { ...result, content: withVisibleText(result.content) };
      const content: LanguageModelV4Content[] = [];
      const before = visibleText(parsed.text).trim();
      if (before) content.push({ type: 'text', text: before });
      for (const call of parsed.calls)
        content.push({
          type: 'tool-call',
          toolCallId: callId(),
          toolName: call.toolName,
          input: JSON.stringify(call.input),
        });
      return { ...result, content, usage, finishReason: { unified: 'tool-calls', raw: result.finishReason.raw } };
    },

    async wrapStream({ doStream, params, model }) {
      const tools = toolsByParams.get(params);
      const inner = await doStream();
      return { ...inner, stream: inner.stream.pipeThrough(textCallTransform(tools ?? [], params, model)) };
    },
  };
}

function textCallTransform(
  tools: LanguageModelV4FunctionTool[],
  params: LanguageModelV4CallOptions,
  model: LanguageModelV4,
): TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart> {
  let buffer = '';
  let emitted = 0;
  let markerFound = false;
  let textOpen = false;
  const textId = 'text-protocol-0';
  let finish: Extract<LanguageModelV4StreamPart, { type: 'finish' }> | undefined;

  // `emitted` counts characters of the visible text (thinking and markers removed), not of the raw buffer.
  const emitText = (
    controller: TransformStreamDefaultController<LanguageModelV4StreamPart>,
    upTo: number,
    final = false,
  ) => {
    const visible = visibleText(buffer.slice(0, upTo), !final);
    if (visible.length <= emitted) return;
    if (!textOpen) {
      controller.enqueue({ type: 'text-start', id: textId });
      textOpen = true;
    }
    controller.enqueue({ type: 'text-delta', id: textId, delta: visible.slice(emitted) });
    emitted = visible.length;
  };

  return new TransformStream({
    transform(part, controller) {
      if (part.type === 'text-delta') {
        buffer += part.delta;
        if (!markerFound) {
          const safe = safeLength(buffer);
          markerFound = safe.markerFound;
          emitText(controller, safe.length);
        }
        return;
      }
      if (part.type === 'text-start' || part.type === 'text-end') return;
      if (part.type === 'finish') {
        finish = part;
        return;
      }
      controller.enqueue(part);
    },
    async flush(controller) {
      let parsed = tools.length ? parseHandlerCalls(buffer, tools) : { text: buffer, calls: [] as ParsedCall[] };
      let usage = finish?.usage;
      if (parsed.problem) {
        try {
          const repaired = await model.doGenerate(repairParams(params, buffer, parsed.problem));
          if (usage) usage = addUsage(usage, repaired.usage);
          parsed = parseHandlerCalls(textOf(repaired.content), tools);
        } catch (error) {
          controller.enqueue({ type: 'error', error });
          return;
        }
        if (parsed.problem) {
          controller.enqueue({
            type: 'error',
            error: new TextProtocolError(
              `The model's handler call could not be read, even after a repair round: ${parsed.problem}.`,
            ),
          });
          return;
        }
      }
      if (parsed.calls.length === 0) emitText(controller, buffer.length, true);
      if (textOpen) controller.enqueue({ type: 'text-end', id: textId });
      for (const call of parsed.calls) {
        controller.enqueue({
          type: 'tool-call',
          toolCallId: callId(),
          toolName: call.toolName,
          input: JSON.stringify(call.input),
        });
      }
      if (finish) {
        controller.enqueue(
          parsed.calls.length
            ? {
                ...finish,
                usage: usage ?? finish.usage,
                finishReason: { unified: 'tool-calls', raw: finish.finishReason.raw },
              }
            : finish,
        );
      }
    },
  });
}
