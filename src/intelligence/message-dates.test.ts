import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mentionedDates } from './message-dates.ts';

const TODAY = '2026-03-20'; // a Friday
const dates = (text: string) => mentionedDates(text, TODAY).map((d) => [d.date, d.days_from_today]);

describe('mentionedDates', () => {
  it('reads absolute dates in the three languages, day first', () => {
    assert.deepEqual(dates('expires 2026-04-02'), [['2026-04-02', 13]]);
    assert.deepEqual(dates('scade il 05/04/2026'), [['2026-04-05', 16]]);
    assert.deepEqual(dates('berlaku sampai 5.4.26'), [['2026-04-05', 16]]);
    assert.deepEqual(dates('my visa ends on 25 March'), [['2026-03-25', 5]]);
    assert.deepEqual(dates('my visa ends on March 25th, 2027'), [['2027-03-25', 370]]);
    assert.deepEqual(dates('il permesso scade il 3 aprile'), [['2026-04-03', 14]]);
    assert.deepEqual(dates('KITAS saya habis tanggal 1 Mei 2026'), [['2026-05-01', 42]]);
  });

  it('picks the year closest to today for dates without one', () => {
    assert.deepEqual(dates('it expired on 28 December'), [['2025-12-28', -82]]);
    assert.deepEqual(
      mentionedDates('arrivo il 2 gennaio', '2026-11-20').map((d) => d.date),
      ['2027-01-02'],
    );
  });

  it('reads relative dates in the three languages', () => {
    assert.deepEqual(dates('tomorrow'), [['2026-03-21', 1]]);
    assert.deepEqual(dates('domani mattina'), [['2026-03-21', 1]]);
    assert.deepEqual(dates('besok pagi'), [['2026-03-21', 1]]);
    assert.deepEqual(dates('dopodomani'), [['2026-03-22', 2]]);
    assert.deepEqual(dates('hari ini'), [['2026-03-20', 0]]);
    assert.deepEqual(dates('in 3 days'), [['2026-03-23', 3]]);
    assert.deepEqual(dates('tra tre giorni'), [['2026-03-23', 3]]);
    assert.deepEqual(dates('dalam 5 hari'), [['2026-03-25', 5]]);
    assert.deepEqual(dates('tinggal 2 hari'), [['2026-03-22', 2]]);
    assert.deepEqual(dates('10 days ago'), [['2026-03-10', -10]]);
    assert.deepEqual(dates('3 giorni fa'), [['2026-03-17', -3]]);
    assert.deepEqual(dates('minggu depan'), [['2026-03-27', 7]]);
    assert.equal(mentionedDates('minggu depan', TODAY)[0].approximate, true);
  });

  it('does not invent dates', () => {
    assert.deepEqual(dates('How much is the E33G remote worker KITAS?'), []);
    assert.deepEqual(dates('I may come to Bali'), []);
    assert.deepEqual(dates('31/02/2026'), []);
  });

  it('lists several dates in the order written', () => {
    assert.deepEqual(dates('Flight on 28 March, visa expires 2026-03-30'), [
      ['2026-03-28', 8],
      ['2026-03-30', 10],
    ]);
  });
});
