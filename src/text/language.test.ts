import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifyLanguage, loadLanguageModel } from './language.ts';

test('fastText lid.176 loads from the package files, with no network', async () => {
  const realFetch = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
    fetched++;
    return realFetch(...args);
  }) as typeof fetch;
  try {
    const model = await loadLanguageModel();
    assert.ok(model, 'the model loaded');
    assert.equal([...model.predict('quanto costa il visto', 1, 0).keys()][0], '__label__it');
    assert.equal(fetched, 0);
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('chat-style messages in the three languages, names and codes left aside', async () => {
  for (const [text, language] of [
    ['brp harga kitas investor kak?', 'id'],
    ['harga paket beach club brp?', 'id'],
    ['Siapa tim pajak di Bali Zero?', 'id'],
    ['ciao! quanto costa il kitas pensione se sono già a bali?', 'it'],
    ['kitas coniuge x 2 anni quanto viene?', 'it'],
    ['whats the price for the retirment kitas', 'en'],
    ['spouse kitas 2 yrs offshore', 'en'],
  ] as const) {
    assert.equal(await identifyLanguage(text), language, text);
  }
});

test("a short follow-up takes the conversation's language, then the stored one", async () => {
  assert.equal(await identifyLanguage('kalau onshore?', { history: ['harga kitas investor brp'] }), 'id');
  assert.equal(await identifyLanguage('e con estensione?', { history: ['quanto costa il kitas lavoro?'] }), 'it');
  assert.equal(await identifyLanguage('ok', { history: [], stored: 'it' }), 'it');
  // A clear message wins over the stored language.
  assert.equal(await identifyLanguage('How much is the investor KITAS applied from abroad?', { stored: 'id' }), 'en');
});
