/** A language model that always answers `text` (tests only), recording the prompts it was given. */
import { MockLanguageModelV4 } from 'ai/test';

export function mockTextModel(text: string | (() => string), modelId = 'mock-model'): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId,
    doGenerate: async () => ({
      content: [{ type: 'text', text: typeof text === 'function' ? text() : text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 5, text: 5, reasoning: 0 },
      },
      warnings: [],
    }),
  });
}
