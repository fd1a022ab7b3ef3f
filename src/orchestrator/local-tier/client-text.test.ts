import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, spellOut, Vocabulary } from './client-text.ts';

test('WhatsApp abbreviations are spelled out in the three languages; "x" is "per" and "2x" a count', () => {
  assert.equal(spellOut('brp hrg kitas yg 2 thn?'), 'berapa harga kitas yang 2 tahun');
  assert.equal(spellOut('kitas coniuge x 2 anni'), 'kitas coniuge per 2 anni');
  assert.equal(spellOut('C1 + perpanjangan 2x'), 'c1 plus perpanjangan 2 times');
  assert.equal(spellOut('whats the price pls, 2 ppl'), 'what is the price please 2 people');
  assert.equal(spellOut("Quanto costa l'estensione?"), 'quanto costa l estensione');
});

test('a number written against its unit is split ("2yrs", "6bln", "180gg"); "x2" counts only extensions', () => {
  assert.equal(spellOut('kitas 1yr, 2yrs, 2thn, 6bln, 180gg'), 'kitas 1 year 2 years 2 tahun 6 bulan 180 giorni');
  assert.equal(spellOut('visa turis perpanjangan x2'), 'visa turis perpanjangan 2 times');
  assert.equal(spellOut('kitas pensione x2'), 'kitas pensione x2');
  assert.equal(spellOut('dive center'), 'dive centre');
});

test("typos of the facts' words are corrected only when one word is that close", () => {
  const v = new Vocabulary(
    ['Retirement KITAS', 'retirement visa', 'Investor KITAS', 'investment visa'],
    ['contact', 'contacts'],
  );
  assert.equal(v.correct('retirment'), 'retirement');
  assert.equal(v.correct('invester'), 'investor');
  assert.equal(v.correct('contacts'), 'contacts', 'known words stay');
  assert.equal(v.correct('kitas'), 'kitas');
  assert.equal(v.correct('pizza'), 'pizza', 'nothing close');
  assert.equal(v.normalize('How much is the retirment kitas'), 'how much is the retirement kitas');
});

test('edit distance counts a transposition as one edit and stops above the limit', () => {
  assert.equal(editDistance('kitas', 'kitsa', 2), 1);
  assert.equal(editDistance('retirment', 'retirement', 2), 1);
  assert.equal(editDistance('alarm', 'permit', 1), 2);
});
