import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockLanguageModelV4 } from 'ai/test';
import { extractiveSummary, summarize } from './summarizer.ts';
import { utilityModelFromEnv as summaryModelFromEnv } from '../providers/utility-model.ts';

const THREAD = [
  { speaker: 'Marco', text: 'Hello! I am Marco from Milan. I love Bali.' },
  {
    speaker: 'Marco',
    text: 'I hold an E33G remote worker KITAS that expires on 15 April 2026. I want to renew the E33G KITAS before it expires.',
  },
  { speaker: 'ZANTARA', text: 'Thank you. The E33G KITAS renewal needs your passport and bank statements.' },
  { speaker: 'Marco', text: 'Great, thanks. Have a nice day.' },
];

function textModel(reply: string | Error) {
  const prompts: unknown[] = [];
  const model = new MockLanguageModelV4({
    modelId: 'mock-summary',
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      if (reply instanceof Error) throw reply;
      return {
        content: [{ type: 'text', text: reply }],
        finishReason: { unified: 'stop', raw: 'stop' },
        warnings: [],
        usage: {
          inputTokens: { total: 120, noCache: 120, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 20, text: 20, reasoning: 0 },
        },
      };
    },
  });
  return { model, prompts };
}

describe('extractive summaries', () => {
  it('keeps the sentences with the facts staff act on, in order, copied verbatim', () => {
    const chosen = extractiveSummary(THREAD, 2);
    assert.equal(chosen.length, 2);
    assert.ok(
      chosen.every((s) =>
        THREAD.some((l) => s.startsWith(`${l.speaker}: `) && l.text.includes(s.slice(l.speaker.length + 2))),
      ),
    );
    assert.ok(
      chosen.some((s) => s.includes('expires on 15 April 2026')),
      chosen.join(' | '),
    );
    assert.ok(!chosen.some((s) => s.includes('Have a nice day')));
  });

  it('without a model the answer says it is extractive', async () => {
    const result = await summarize(THREAD, { maxSentences: 2 });
    assert.equal(result.method, 'extractive');
    assert.match(result.note!, /No summary model is configured/);
    assert.equal(result.summary, result.sentences!.join(' '));
  });
});

describe('model summaries', () => {
  it('use the model, pass the transcript, and report usage', async () => {
    const { model, prompts } = textModel('Marco (E33G, expires 2026-04-15) wants to renew; documents were listed.');
    const result = await summarize(THREAD, { model: { model, id: 'mock:summary' }, language: 'it' });
    assert.deepEqual(
      [result.method, result.model, result.usage],
      ['model', 'mock:summary', { input_tokens: 120, output_tokens: 20 }],
    );
    assert.match(result.summary, /Marco/);
    const sent = JSON.stringify(prompts[0]);
    assert.match(sent, /Italian/);
    assert.match(sent, /Marco: I hold an E33G/);
  });

  it('fall back to an extractive summary, labelled, when the model fails', async () => {
    const { model } = textModel(new Error('503 upstream unavailable'));
    const result = await summarize(THREAD, { model: { model, id: 'mock:summary' } });
    assert.equal(result.method, 'extractive');
    assert.match(result.note!, /model failed \(503 upstream unavailable\)/);
  });
});

describe('utilityModelFromEnv', () => {
  it('is none without providers, or when disabled', () => {
    assert.equal(summaryModelFromEnv({}), undefined);
    assert.equal(summaryModelFromEnv({ ANTHROPIC_API_KEY: 'sk-test', ZANTARA_UTILITY_MODEL: 'none' }), undefined);
    assert.equal(summaryModelFromEnv({ ZANTARA_UTILITY_MODEL: 'groq' }), undefined); // named but not configured
    assert.equal(summaryModelFromEnv({ ANTHROPIC_API_KEY: 'sk-test' })?.id, 'anthropic:claude-haiku-4-5');
    assert.throws(() => summaryModelFromEnv({ ZANTARA_UTILITY_MODEL: 'openai' }), /ZANTARA_UTILITY_MODEL/);
  });

  it('calls the configured provider (an OpenAI-compatible server on loopback)', async () => {
    const requests: Array<{ url?: string; body: any }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        requests.push({ url: req.url, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion',
            created: 1,
            model: 'summary-8b',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'Marco wants to renew his E33G before 15 April 2026.' },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 90, completion_tokens: 14, total_tokens: 104 },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const model = summaryModelFromEnv({ LLAMA_BASE_URL: base, ZANTARA_UTILITY_MODEL: 'llama:summary-8b' });
      assert.equal(model?.id, 'llama:summary-8b');
      const result = await summarize(THREAD, { model });
      assert.deepEqual(
        [result.method, result.summary, result.usage?.output_tokens],
        ['model', 'Marco wants to renew his E33G before 15 April 2026.', 14],
      );
      assert.equal(requests[0].url, '/v1/chat/completions');
      assert.equal(requests[0].body.model, 'summary-8b');
    } finally {
      server.close();
    }
  });
});
