import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { turnHooks } from './turn-hook-list.ts';
import { extractFacts, extractFactsLocally, parseDate } from '../memory/fact-extractor.ts';
import { memoryModelService, memoryTurnHook } from './memory-turn-hook.ts';
import { memoryService } from '../memory/memory-facts.ts';
import { mockTextModel } from '../testing/mock-model.ts';
import { profileSection } from '../memory/user-profile.ts';

const byKey = (facts: Array<{ key: string; data: Record<string, unknown> }>) =>
  Object.fromEntries(facts.map((f) => [f.key, f.data]));

describe('local fact extraction (EN / IT / ID)', () => {
  it('extracts name, nationality, permit held and its expiry from an English message', () => {
    const facts = byKey(
      extractFactsLocally(
        "Hi, my name is Marco Rossi and I'm Italian. I have an E33G and it expires on 15 March 2027.",
      ),
    );
    assert.deepEqual(facts, {
      name: { name: 'Marco Rossi' },
      nationality: { nationality: 'Italian' },
      permit_held: { permit: 'E33G' },
      permit_expiry: { expires_on: '2027-03-15', permit: 'E33G' },
    });
  });

  it('extracts from Italian: name, nationality, permit, expiry (DD/MM/YYYY), language preference', () => {
    const facts = byKey(
      extractFactsLocally(
        'Mi chiamo Giulia Bianchi, sono italiana. Ho un KITAS investor, scade il 01/02/2026. Rispondimi in italiano.',
      ),
    );
    assert.equal(facts.name.name, 'Giulia Bianchi');
    assert.equal(facts.nationality.nationality, 'Italian');
    assert.equal(facts.permit_held.permit, 'KITAS investor');
    assert.deepEqual(facts.permit_expiry, { expires_on: '2026-02-01', permit: 'KITAS investor' });
    assert.deepEqual(facts.language, { language: 'it' });
  });

  it('extracts from Indonesian: name, nationality, wanted permit, company', () => {
    const facts = byKey(
      extractFactsLocally(
        'Nama saya Budi Santoso. Saya warga negara Indonesia. Saya ingin mengajukan KITAP. Perusahaan saya PT Maju Jaya.',
      ),
    );
    assert.deepEqual(facts, {
      name: { name: 'Budi Santoso' },
      nationality: { nationality: 'Indonesian' },
      permit_wanted: { permit: 'KITAP' },
      company: { company: 'PT Maju Jaya' },
    });
  });

  it('stays quiet on questions, hypotheticals and small talk', () => {
    for (const message of [
      'Can I get a KITAS if I have a company?',
      'How much is the E33G?',
      'What if my name is John?',
      "I'm tired",
      'I am happy with the service',
      'my friend is Italian',
    ]) {
      assert.deepEqual(extractFactsLocally(message), [], message);
    }
  });

  it('parses dates in the three languages and rejects impossible ones', () => {
    assert.equal(parseDate('15 maret 2026'), '2026-03-15');
    assert.equal(parseDate('March 5, 2026'), '2026-03-05');
    assert.equal(parseDate('31/02/2026'), undefined);
  });
});

describe('model fact extraction', () => {
  it('uses structured output from the model and normalises it', async () => {
    const model = mockTextModel(
      JSON.stringify({
        facts: [
          { key: 'nationality', value: 'italian', expires_on: null, permit: null },
          { key: 'permit_expiry', value: '', expires_on: '2027-01-31', permit: 'e33g' },
          { key: 'language', value: 'Klingon', expires_on: null, permit: null },
        ],
      }),
    );
    const facts = byKey(await extractFacts('whatever the user said', { model }));
    assert.deepEqual(facts, {
      nationality: { nationality: 'Italian' },
      permit_expiry: { expires_on: '2027-01-31', permit: 'E33G' },
    });
    assert.equal(model.doGenerateCalls.length, 1);
  });

  it('falls back to local patterns when the model answers garbage', async () => {
    const facts = byKey(await extractFacts('My name is Ana Lopez', { model: mockTextModel('not json at all') }));
    assert.deepEqual(facts, { name: { name: 'Ana Lopez' } });
  });
});

describe('profile section', () => {
  it('lists keyed facts first, marks a past expiry, and stays within its budget', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const fact = (key: string | null, content: string, data: Record<string, unknown> | null = null) => ({
      id: content,
      type: 'profile',
      key,
      content,
      data,
      source: 'chat',
      created_at: at,
      updated_at: at,
    });
    const section = profileSection(
      [
        fact(null, 'Likes surfing'),
        fact('permit_expiry', 'Permit E33G expires on 2025-06-01', { expires_on: '2025-06-01' }),
        fact('name', 'Name: Marco'),
      ],
      { today: '2026-01-01' },
    )!;
    const lines = section.split('\n').slice(1);
    assert.deepEqual(lines, [
      '- "Name: Marco"',
      '- "Permit E33G expires on 2025-06-01" (this date has passed)',
      '- "Likes surfing"',
    ]);
    assert.equal(profileSection([]), undefined);
    const many = Array.from({ length: 100 }, (_, i) => fact(null, `Note number ${i} `.repeat(10)));
    assert.ok(profileSection(many)!.length <= 1200);
  });
});

describe('memory turn hook', () => {
  let store: TestStore;
  let rt: TestRuntime;
  before(async () => {
    store = await createTestPglite();
    rt = await createTestRuntime({ store });
  });
  after(async () => {
    await rt.close();
    await store.close();
  });

  it('is registered in the orchestrator turn hooks', () => {
    assert.ok(turnHooks.includes(memoryTurnHook));
  });

  it('after a turn saves stated facts once; before the next turn the profile greets the returning user', async () => {
    const { principal } = await rt.key('client', 'Returning client');
    const turn = { runtime: rt, principal, conversationId: 'c1', response: 'ok', turnId: 't1', handlersUsed: [] };
    assert.equal(await memoryTurnHook.beforeTurn!({ ...turn, message: 'hello' }), undefined);
    await memoryTurnHook.afterTurn!({
      ...turn,
      message: "My name is Marco Rossi and I'm Italian. My KITAS expires on 2027-03-15.",
    });
    await memoryTurnHook.afterTurn!({ ...turn, message: "My name is Marco Rossi and I'm Italian." });
    const facts = await rt.service(memoryService).list(principal.id);
    assert.equal(facts.total, 3);
    const expiry = facts.facts.find((f) => f.key === 'permit_expiry')!;
    assert.deepEqual(expiry.data, { expires_on: '2027-03-15', permit: 'KITAS' });
    const before = await memoryTurnHook.beforeTurn!({ ...turn, message: 'hi again' });
    assert.match(before!.system!, /Name: Marco Rossi/);
    assert.match(before!.system!, /Nationality: Italian/);
    // Another user's profile is not theirs.
    const other = await rt.key('client', 'Someone else');
    assert.equal(await memoryTurnHook.beforeTurn!({ ...turn, principal: other.principal, message: 'hi' }), undefined);
  });

  it('uses the configured model for extraction', async () => {
    const { principal } = await rt.key('client', 'Model client');
    rt.service(memoryModelService).model = mockTextModel(
      JSON.stringify({ facts: [{ key: 'company', value: 'PT Contoh Abadi', expires_on: null, permit: null }] }),
    );
    try {
      await memoryTurnHook.afterTurn!({
        runtime: rt,
        principal,
        conversationId: 'c2',
        message: 'we run a small company',
        response: 'ok',
        turnId: 't2',
        handlersUsed: [],
      });
    } finally {
      rt.service(memoryModelService).model = undefined;
    }
    const facts = await rt.service(memoryService).retrieve(principal.id, { key: 'company' });
    assert.equal(facts[0].content, 'Company: PT Contoh Abadi');
    assert.equal(facts[0].source, 'chat');
  });
});
