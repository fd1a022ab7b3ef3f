import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_KNOWLEDGE_DIR } from '../knowledge/load-knowledge.ts';
import { Knowledge, knowledgeEnv } from '../knowledge/knowledge-service.ts';
import { loadDeadlineRules, TAX_DEADLINES_FILE, upcomingDeadlines } from './tax-calendar.ts';

const knowledge = new Knowledge(knowledgeEnv.parse({}));
const rules = loadDeadlineRules(knowledge);
// The facts as written in the file: tests compare against them, never against literals.
const file = parseYaml(readFileSync(join(DEFAULT_KNOWLEDGE_DIR, TAX_DEADLINES_FILE), 'utf8')) as {
  deadlines: Array<Record<string, any>>;
};
const fact = (id: string) => file.deadlines.find((d) => d.id === id)!;
const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('tax deadlines from the facts', () => {
  it('LKPM for Q1 is due in April on the day the facts give, with the other reading and the verify note', () => {
    const lkpm = fact('lkpm-quarterly');
    const list = upcomingDeadlines(rules, knowledge, '2026-03-20', 60).filter((d) => d.id === 'lkpm-quarterly');
    assert.equal(list.length, 1);
    const [q1] = list;
    assert.equal(q1.covers, '2026-Q1');
    assert.equal(q1.due, `2026-04-${pad(lkpm.day)}`);
    assert.equal(q1.alternative_due, `2026-04-${pad(lastDayOf(2026, 4))}`);
    assert.equal(q1.verify, true);
    assert.ok(q1.verify_note!.includes(lkpm.verify_note.trim()));
    assert.ok(q1.verify_note!.includes(knowledge.verifyNote));
    // The service and its price come from the price list through the knowledge service.
    const item = knowledge.prices.entry(knowledge.prices.item(lkpm.service)!);
    assert.deepEqual([q1.service.id, q1.service.price_from], [item.id, item.price_from]);
    assert.equal(q1.days_left, (Date.parse(q1.due) - Date.parse('2026-03-20')) / 86_400_000);
  });

  it('lists monthly and annual deadlines in the window, soonest first, from the clock', () => {
    const list = upcomingDeadlines(rules, knowledge, '2026-03-20', 45);
    const dues = list.map((d) => d.due);
    assert.deepEqual(dues, [...dues].sort());
    const monthlyReturn = fact('monthly-tax-return');
    assert.ok(
      list.some(
        (d) => d.id === 'monthly-tax-return' && d.covers === '2026-02' && d.due === `2026-03-${pad(monthlyReturn.day)}`,
      ),
    );
    const personal = fact('annual-personal-return');
    assert.ok(
      list.some(
        (d) =>
          d.id === 'annual-personal-return' &&
          d.covers === '2025' &&
          d.due === `2026-${pad(personal.month)}-${pad(lastDayOf(2026, personal.month))}`,
      ),
    );
    const monthlyPayment = fact('monthly-tax-payment');
    // The February payment day has passed on 20 March: the next one listed covers March.
    assert.ok(!list.some((d) => d.id === 'monthly-tax-payment' && d.covers === '2026-02') || monthlyPayment.day >= 20);
    assert.ok(list.every((d) => d.days_left <= 45));
  });

  it('crosses the year: Q4 LKPM is due in January of the next year', () => {
    const list = upcomingDeadlines(rules, knowledge, '2026-12-20', 60).filter((d) => d.id === 'lkpm-quarterly');
    assert.deepEqual(
      list.map((d) => [d.covers, d.due.slice(0, 7)]),
      [['2026-Q4', '2027-01']],
    );
  });

  it('refuses a deadline file that names an unknown service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zantara-knowledge-'));
    cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, TAX_DEADLINES_FILE),
      readFileSync(join(DEFAULT_KNOWLEDGE_DIR, TAX_DEADLINES_FILE), 'utf8').replace(
        'service: lkpm',
        'service: no-such-item',
      ),
    );
    const other = new Knowledge(knowledgeEnv.parse({ ZANTARA_KNOWLEDGE_DIR: dir }));
    assert.throws(() => loadDeadlineRules(other), /unknown price-list items: no-such-item/);
  });
});
