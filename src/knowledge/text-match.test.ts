import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Knowledge, knowledgeEnv } from './knowledge-service.ts';
import { normalize, TextIndex, tokenize } from './text-match.ts';
import { addWorkingDays, baliDate, workingDaysBetween } from './working-days.ts';

const kb = new Knowledge(knowledgeEnv.parse({}));

describe('text matching', () => {
  it('normalises accents, case and punctuation', () => {
    assert.equal(normalize('  Società, KÍTAS—lavoro! '), 'societa kitas lavoro');
    assert.deepEqual(tokenize('I want to retire in Bali'), ['retire']);
    assert.deepEqual(tokenize('the'), ['the']);
  });

  it('scores codes above words and rare words above common ones', () => {
    const index = new TextIndex([
      { value: 'a', codes: ['X1'], phrases: ['common thing'] },
      { value: 'b', codes: ['X2'], phrases: ['common rare thing'] },
    ]);
    assert.equal(index.search('x1')[0].value, 'a');
    assert.equal(index.search('rare common')[0].value, 'b');
    assert.deepEqual(index.search('nothing here'), []);
  });

  it('maps the four phrasings of a working KITAS to the same price entry', () => {
    const ids = ['working kitas', 'E23 working', 'kitas kerja', 'KITAS lavoro'].map(
      (q) => kb.prices.match(q)[0]?.value.id,
    );
    assert.equal(new Set(ids).size, 1);
    assert.equal(kb.prices.item(ids[0]!)!.aliases.en.includes('working kitas'), true);
  });

  it('does not answer a query about something else with a one-word coincidence', () => {
    assert.deepEqual(kb.prices.match('quantum teleportation licence'), []);
    assert.ok(kb.prices.suggest('quantum teleportation licence').length > 0);
  });
});

describe('working days', () => {
  it('skips weekends in Bali time', () => {
    assert.equal(baliDate(new Date('2026-03-06T17:00:00Z')), '2026-03-07');
    assert.equal(addWorkingDays('2026-03-06', 1), '2026-03-09');
    assert.equal(addWorkingDays('2026-03-02', 5), '2026-03-09');
    assert.equal(workingDaysBetween('2026-03-02', '2026-03-09'), 5);
    assert.equal(workingDaysBetween('2026-03-09', '2026-03-02'), 0);
  });
});
