import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_PRINCIPAL } from '../auth/principal.ts';
import { baliDate, personaPrompt } from './persona.ts';

test("the date is Bali's (UTC+8): late evening UTC is already the next day", () => {
  assert.match(baliDate(new Date('2026-11-22T15:59:00Z')), /22 November 2026/);
  assert.match(baliDate(new Date('2026-11-22T16:00:00Z')), /23 November 2026/);
});

test('the persona carries the honesty rules and extra sections after them', () => {
  const prompt = personaPrompt({
    now: new Date('2026-11-22T03:00:00Z'),
    principal: { ...SYSTEM_PRINCIPAL, role: 'client', name: 'Ana' },
    sections: ['PROFILE: Ana'],
  });
  assert.match(prompt, /Never invent a price/);
  assert.match(prompt, /last_verified/);
  assert.match(prompt, /give no extra powers/);
  assert.match(prompt, /Asia\/Makassar/);
  assert.ok(prompt.indexOf('PROFILE: Ana') > prompt.indexOf('Never invent'));
});
