import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defineHandler, type AnyHandler } from '../../handlers/handler.ts';
import { rankerFor, rankHandlers, selectTools } from './select-tools.ts';
import { LexicalRanker } from './lexical-ranker.ts';
import { documentFromJsonTool, type JsonTool } from './tool-documents.ts';
import { foldText } from '../../text/analysis.ts';
import { analyse } from './text-analysis.ts';

const catalogue = JSON.parse(
  readFileSync(new URL('../../../evals/catalogue.json', import.meta.url), 'utf8'),
) as JsonTool[];

function handler(key: string, description: string, fields: Record<string, string>, examples: string[]): AnyHandler {
  return defineHandler({
    key,
    category: 'business',
    description,
    input: z.object(
      Object.fromEntries(Object.entries(fields).map(([name, text]) => [name, z.string().optional().describe(text)])),
    ),
    effect: 'read',
    roles: ['admin', 'staff', 'client'],
    examples: examples.map((e) => ({ description: e, params: {} })),
    async run() {
      return {};
    },
  }) as AnyHandler;
}

const handlers: AnyHandler[] = [
  handler(
    'bali.zero.pricing',
    'Official Bali Zero service prices in IDR for visas, KITAS and company setup.',
    { specific_service: 'Service name' },
    ['How much is the E33G?', 'Quanto costa il KITAS lavoro?'],
  ),
  handler(
    'kbli.lookup',
    'Find KBLI 2020 business classification codes by code or activity.',
    { query: 'Business activity' },
    ['KBLI for a restaurant', 'Kode KBLI untuk sewa villa'],
  ),
  handler('whatsapp.send', 'Send a WhatsApp message to a phone number.', { to: 'Phone number', text: 'Message text' }, [
    'Send a WhatsApp to the client',
    'Kirim pesan WhatsApp',
  ]),
  handler(
    'calendar.create',
    'Create a Google Calendar event (meeting, appointment).',
    { title: 'Title', start: 'Start time' },
    ['Book a meeting on Monday', 'Fissa un appuntamento'],
  ),
  handler('system.handlers.search', 'Search the handler catalogue for more tools.', { query: 'What you need' }, [
    'Find a tool for e-mail',
    'Cerca uno strumento',
  ]),
  handler('team.recent_activity', 'Recent activity of team members from the audit log.', { member: 'Team member' }, [
    'What did the team do today?',
    'Attività recente del team',
  ]),
];

const keys = (list: AnyHandler[]) => list.map((h) => h.key);

test('a price question ranks the pricing handler first in English, Italian and Indonesian', () => {
  for (const query of [
    'How much does the remote worker KITAS cost?',
    'Quanto costa il permesso di soggiorno per lavoro?',
    'Berapa harga KITAS investor?',
  ]) {
    assert.equal(selectTools(handlers, query, { k: 3 })[0].key, 'bali.zero.pricing', query);
  }
});

test('accents, case and synonyms meet: "Società" and "societa", "prezzo" and "harga" and "price"', () => {
  assert.equal(foldText('Società ÈCCO'), 'societa ecco');
  assert.deepEqual(analyse('prezzo'), analyse('harga'));
  assert.deepEqual(analyse('harga'), analyse('price'));
  assert.deepEqual(analyse('appuntamento'), analyse('meeting'));
  assert.deepEqual(analyse('Kirim'), analyse('invia'));
});

test('pinned handlers come first, then at most k ranked ones, never twice', () => {
  const selected = selectTools(handlers, 'send a whatsapp and book a meeting', {
    k: 2,
    pinned: ['system.handlers.search', 'not.registered'],
  });
  assert.equal(selected[0].key, 'system.handlers.search');
  assert.deepEqual(new Set(keys(selected.slice(1))), new Set(['whatsapp.send', 'calendar.create']));
  const again = selectTools(handlers, 'search for a tool', { k: 5, pinned: ['system.handlers.search'] });
  assert.equal(keys(again).filter((k) => k === 'system.handlers.search').length, 1);
});

test('an off-topic query gets only the pinned set, not k random tools', () => {
  assert.deepEqual(keys(selectTools(handlers, 'zzz qqq', { k: 8, pinned: ['system.handlers.search'] })), [
    'system.handlers.search',
  ]);
  assert.deepEqual(selectTools(handlers, '', { k: 8 }), []);
});

test('a query naming a handler outright puts it first, keys with underscores included', () => {
  assert.equal(selectTools(handlers, 'call team.recent_activity please', { k: 3 })[0].key, 'team.recent_activity');
  assert.equal(selectTools(handlers, 'use kbli-lookup.', { k: 3 })[0].key, 'kbli.lookup');
});

test('the index is built once per handler list, also for a fresh array of the same handlers', () => {
  const first = rankerFor(handlers);
  assert.equal(rankerFor(handlers), first);
  assert.equal(rankerFor([...handlers]), first);
  const changed = [...handlers.slice(1)];
  assert.notEqual(rankerFor(changed), first);
  assert.equal(rankHandlers(handlers, 'kbli restaurant', 1)[0].handler.key, 'kbli.lookup');
});

test('any external catalogue works: a weather tool wins a weather query, and the planned catalogue ranks sensibly', () => {
  const tools: JsonTool[] = [
    {
      name: 'get_weather',
      description: 'Current weather and forecast for a city',
      parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' } } },
    },
    {
      name: 'get_stock_price',
      description: 'Latest stock price for a ticker symbol',
      parameters: { type: 'object', properties: { ticker: { type: 'string' } } },
    },
  ];
  const ranker = new LexicalRanker(tools.map(documentFromJsonTool));
  assert.equal(ranker.rank('what is the forecast in Rome?', 1)[0].name, 'get_weather');
  assert.equal(ranker.rank('AAPL stock ticker', 1)[0].name, 'get_stock_price');

  const planned = new LexicalRanker(catalogue.map(documentFromJsonTool));
  assert.equal(planned.rank('Fissa un appuntamento con il cliente venerdì', 3)[0].name, 'calendar.create');
  assert.ok(planned.rank('Apa kode KBLI untuk restoran?', 3).some((r) => r.name === 'kbli.lookup'));
});
