import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldText, foldWords, STOP_WORDS, stem, wordsOf } from './analysis.ts';

test('one fold for accents, case and compatibility forms', () => {
  assert.equal(foldText('Società PERCHÉ'), 'societa perche');
  // Ligatures and full-width letters typed on phones meet their plain spelling.
  assert.equal(foldText('ﬁle ＫＩＴＡＳ'), 'file kitas');
  assert.equal(foldWords("Qual è l'E33G?"), 'qual e l e33g');
  assert.deepEqual(wordsOf('Berapa harga KITAS-E33G?'), ['berapa', 'harga', 'kitas', 'e33g']);
});

test('the stop words are folded function words of the three languages', () => {
  for (const word of ['the', 'quanto', 'perche', 'piu', 'berapa', 'yang']) assert.ok(STOP_WORDS.has(word), word);
  for (const word of STOP_WORDS) assert.equal(foldWords(word), word, `${word} is stored folded`);
  // Words a ranker needs stay out: "dove" points to maps, "much" to prices.
  for (const word of ['dove', 'much', 'kitas', 'visa']) assert.ok(!STOP_WORDS.has(word), word);
});

test('the stemmer meets inflected forms and leaves codes and short words alone', () => {
  assert.equal(stem('contattarvi'), stem('contattare'));
  assert.equal(stem('companies'), 'company');
  assert.equal(stem('perpanjangannya'), stem('perpanjangan'));
  assert.equal(stem('e33g'), 'e33g');
  assert.equal(stem('visa'), 'visa');
});
