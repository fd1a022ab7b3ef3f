import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assessUrgency } from './urgency.ts';

const TODAY = '2026-03-20';
const assess = (text: string) => assessUrgency(text, TODAY);
const codes = (text: string) => assess(text).reasons.map((r) => r.code);

describe('assessUrgency', () => {
  it('overstay is critical in every language', () => {
    for (const text of [
      'I think I overstayed my visa by two days',
      'Ho sforato il visto di tre giorni',
      'Saya melebihi izin tinggal dua hari',
    ]) {
      assert.equal(assess(text).level, 'critical', text);
      assert.ok(codes(text).includes('overstay'), text);
    }
  });

  it('an expired permit is critical', () => {
    assert.equal(assess('Il mio visto è scaduto ieri, cosa devo fare?').level, 'critical');
    assert.deepEqual(codes('My KITAS has expired'), ['permit_expired']);
    assert.deepEqual(codes('KITAS saya sudah habis'), ['permit_expired']);
    // An expiry date in the past is an expired permit even when the verb says "expires".
    const past = assess('my visa expires on 18 March');
    assert.equal(past.level, 'critical');
    assert.equal(past.reasons[0].days_from_today, -2);
  });

  it('grades an expiring permit by the days left', () => {
    assert.equal(assess('My KITAS expires on 22 March').level, 'critical');
    assert.equal(assess('My KITAS expires on 25 March').level, 'high');
    assert.equal(assess('Il mio KITAS scade il 10 aprile').level, 'medium');
    assert.equal(assess('KITAS saya berakhir tanggal 30 Juni 2026').level, 'low');
    const noDate = assess('my visa is expiring soon, can you help?');
    assert.equal(noDate.level, 'medium');
    assert.match(noDate.reasons[0].detail, /without a date/);
  });

  it('deadlines and near dates', () => {
    const deadline = assess('We need the company documents by 23 March please');
    assert.equal(deadline.level, 'high');
    assert.equal(deadline.reasons[0].code, 'deadline');
    assert.equal(assess('Il notaio ci serve entro il 15 aprile').level, 'medium');
    assert.deepEqual(codes('My flight is tomorrow'), ['date_soon']);
    assert.equal(assess('My flight is tomorrow').level, 'medium');
  });

  it('trouble with immigration is high; asking for urgency is medium', () => {
    assert.equal(assess('The immigration office called me, they talk about deportation').level, 'high');
    assert.equal(assess('Saya harus bayar denda?').level, 'high');
    assert.equal(assess('Please answer asap').level, 'medium');
    assert.equal(assess('È urgente, grazie').level, 'medium');
  });

  it('an ordinary question is low, with no reasons', () => {
    for (const text of [
      'How much is the E33G KITAS?',
      'Quanto costa aprire una PT PMA?',
      'Berapa lama proses KITAS investor?',
      "I'm fine, thanks",
    ]) {
      const result = assess(text);
      assert.equal(result.level, 'low', text);
      assert.deepEqual(result.reasons, [], text);
    }
  });

  it('reports the most serious reason first and the dates it saw', () => {
    const result = assess('Urgent: my visa expires on 21 March and my flight is on 2 April');
    assert.equal(result.level, 'critical');
    assert.equal(result.reasons[0].code, 'permit_expiring');
    assert.ok(result.reasons.some((r) => r.code === 'asked_urgent'));
    assert.deepEqual(
      result.dates.map((d) => d.date),
      ['2026-03-21', '2026-04-02'],
    );
  });
});
