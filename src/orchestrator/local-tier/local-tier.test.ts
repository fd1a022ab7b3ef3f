import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../auth/principal.ts';
import { Knowledge, knowledgeEnv } from '../../knowledge/knowledge-service.ts';
import { loadKnowledge } from '../../knowledge/load-knowledge.ts';
import { parseEnv } from '../../config/env.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { detectLanguage } from '../../text/language.ts';
import { amountsIn } from '../../testing/eval-figures.ts';
import { noModelMessage, tryLocalAnswer, type LocalVerdict } from './local-tier.ts';

let store: TestStore;
let rt: TestRuntime;
let client: Principal;
const kb = new Knowledge(parseEnv(knowledgeEnv, {}));
const item = (id: string) => kb.prices.item(id)!;
const amount = (id: string, option: string, years?: number) =>
  item(id).variants.find((v) => v.option === option && (years === undefined || v.years === years))!.amount;

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store });
  client = (await rt.key('client')).principal;
});
after(async () => {
  await rt?.close();
  await store?.close();
});

async function answer(message: string): Promise<Extract<LocalVerdict, { status: 'answered' }>> {
  const verdict = await tryLocalAnswer(rt, client, message);
  assert.equal(
    verdict.status,
    'answered',
    `"${message}" escalated: ${verdict.status === 'escalate' ? verdict.reason : ''}`,
  );
  return verdict as Extract<LocalVerdict, { status: 'answered' }>;
}

test('language detection tells English, Italian and Indonesian apart', () => {
  assert.equal(detectLanguage('How much is the investor KITAS?'), 'en');
  assert.equal(detectLanguage("Quanto costa il KITAS per l'investitore?"), 'it');
  assert.equal(detectLanguage('Berapa harga KITAS investor?'), 'id');
  assert.equal(detectLanguage('Conviene comprare adesso?'), 'it');
  assert.equal(detectLanguage('Ceritakan lelucon lucu'), 'id');
  assert.equal(detectLanguage('E33G?'), 'en');
});

test('a price question is answered in each language with the price list figures, formatted for that language', async () => {
  const offshore = amount('e33g-remote-worker', 'offshore');
  const onshore = amount('e33g-remote-worker', 'onshore');
  const en = await answer('How much does the E33G remote worker KITAS cost?');
  const it = await answer('Quanto costa il KITAS E33G per lavoratori da remoto?');
  const id = await answer('Berapa harga KITAS E33G untuk pekerja remote?');
  for (const verdict of [en, it, id]) {
    assert.deepEqual(verdict.handlers_used, ['bali.zero.pricing']);
    assert.ok(
      amountsIn(verdict.response).includes(offshore) && amountsIn(verdict.response).includes(onshore),
      verdict.response,
    );
  }
  assert.equal(en.language, 'en');
  assert.ok(en.response.includes(`IDR ${offshore.toLocaleString('en-US')}`), en.response);
  assert.match(en.response, /last verified 1 January 2025|last verified \d/);
  assert.equal(it.language, 'it');
  assert.ok(it.response.includes(`IDR ${offshore.toLocaleString('it-IT')}`), it.response);
  assert.match(it.response, /Offshore \(richiesto dall'estero\)/);
  assert.match(it.response, /verificato il \d/);
  assert.equal(id.language, 'id');
  assert.ok(id.response.includes(`Rp ${offshore.toLocaleString('id-ID')}`), id.response);
  assert.match(id.response, /terakhir diverifikasi \d/);
});

test('figures to confirm keep the verify note, and the disclaimer is kept, in the user language', async () => {
  // The spouse KITAS onshore prices are disputed in the sources (verify: true in prices.yaml).
  assert.ok(item('e31a-spouse').variants.some((v) => v.verify));
  const en = await answer('How much is the spouse KITAS onshore?');
  assert.match(en.response, /Please confirm this with our team/);
  assert.ok(en.response.includes(kb.disclaimer), 'English keeps the price list disclaimer verbatim');
  const it = await answer('Quanto costa il KITAS coniuge onshore?');
  assert.match(it.response, /confermarlo con il nostro team/);
  assert.match(it.response, /il prezzo finale è confermato per iscritto/);
  const id = await answer('Berapa biaya KITAS pasangan onshore?');
  assert.match(id.response, /Mohon konfirmasi dengan tim kami/);
});

test('a service priced on request says so and shows no amount', async () => {
  assert.equal(item('kitap-investor').contact_for_quote, true);
  const verdict = await answer('How much is the KITAP for investors?');
  assert.match(verdict.response, /Price on request/);
  assert.deepEqual(amountsIn(verdict.response), []);
});

test('a quote for named services lists each line and a total computed by quote.generate', async () => {
  const pt = amount('pt-pma-setup', 'standard');
  const e28a = amount('e28a-investor', 'offshore');
  const verdict = await answer('Mi fai un preventivo per PT PMA e KITAS investitore offshore?');
  assert.ok(verdict.handlers_used.includes('quote.generate'));
  const amounts = amountsIn(verdict.response);
  assert.ok(amounts.includes(pt) && amounts.includes(e28a) && amounts.includes(pt + e28a), verdict.response);
  assert.match(verdict.response, /Totale \(minimo\)/, 'the PT PMA is a "from" price, so the total is a minimum');
});

test('visa, documents, KBLI, team, contact and timeline questions are answered from their handlers', async () => {
  const retire = await answer('Saya ingin pensiun di Bali, visa apa yang saya perlukan?');
  assert.deepEqual(retire.handlers_used, ['visa.info']);
  assert.match(retire.response, /E33F/);
  assert.ok(amountsIn(retire.response).includes(amount('e33f-retirement', 'offshore')));

  const documents = await answer('Quali documenti servono per il KITAS E33G?');
  const e33g = kb.data.visas.find((v) => v.code === 'E33G')!;
  // Listed in Italian, as translations.yaml translates them; never in English.
  for (const doc of e33g.documents) {
    assert.ok(documents.response.includes(kb.data.translations.get(doc)!.it), doc);
    assert.ok(!documents.response.includes(doc), `${doc} in English`);
  }

  const kbli = await answer('What is the KBLI code for a restaurant?');
  const restaurant = kb.data.kbli.codes.find((c) => c.title_en === 'restaurant')!;
  assert.match(kbli.response, new RegExp(`${restaurant.code} — ${restaurant.title}`));
  assert.match(kbli.response, /KBLI 2020/);

  const contact = await answer('Come posso contattarvi?');
  assert.ok(contact.response.includes(kb.data.company.whatsapp) && contact.response.includes(kb.data.company.email));

  const timeline = await answer('Berapa lama proses KITAS?');
  const kitas = kb.processingTimes.byId('kitas')!;
  assert.match(timeline.response, new RegExp(`${kitas.min}–${kitas.max}`));
  assert.match(timeline.response, /Perkiraan/);

  const team = await answer('Who in the team speaks Italian?');
  const italians = kb.data.team.members.filter((m) => m.languages.includes('it'));
  assert.ok(italians.length > 0);
  for (const m of italians.slice(0, 5)) assert.ok(team.response.includes(m.role), m.role);
});

test('chatty phrasing, comparisons and the company name do not throw the match off', async () => {
  const chatty = await answer('halo kak, mau tanya harga kitas investor dong');
  assert.ok(amountsIn(chatty.response).includes(amount('e28a-investor', 'offshore')));
  const versus = await answer('How much is E33G vs E28A?');
  assert.ok(
    amountsIn(versus.response).includes(amount('e33g-remote-worker', 'offshore')) &&
      amountsIn(versus.response).includes(amount('e28a-investor', 'offshore')),
  );
  // "Bali Zero" names the company, not the zero-activity tax report.
  const npwp = await answer('How much does Bali Zero charge for NPWP and how long does it take?');
  assert.deepEqual(npwp.handlers_used, ['bali.zero.pricing', 'timeline.estimate']);
  assert.ok(!npwp.response.includes(item('annual-tax-zero').name), npwp.response);
  // Asking which documents to send is a question, not a request to send something.
  const documents = await answer('What documents should I send you for the E33G?');
  assert.ok(documents.handlers_used.includes('document.checklist'));
});

test('out-of-scope questions escalate as out_of_scope in the user language, with no answer to carry a fact', async () => {
  for (const [message, language] of [
    ['What will the weather be like in Ubud tomorrow?', 'en'],
    ['Come ottengo il visto per pensionati in Thailandia?', 'it'],
    ['Berapa harga Ethereum hari ini?', 'id'],
    ['How much is a Schengen visa for Indonesians?', 'en'],
    ['How much is a villa in Canggu?', 'en'],
  ] as const) {
    const verdict = await tryLocalAnswer(rt, client, message);
    assert.deepEqual(verdict, { status: 'escalate', reason: 'out_of_scope', language }, message);
  }
});

test('with no model, the fallback says what ZANTARA cannot do and how to reach the team, in the user language', async () => {
  const phone = kb.data.company.whatsapp;
  const en = noModelMessage('en', 'out_of_scope');
  assert.match(en, /outside what I can help with/);
  assert.ok(en.includes(phone) && en.includes(kb.data.company.email));
  const it = noModelMessage('it');
  assert.match(it, /non posso rispondere automaticamente/);
  assert.ok(it.includes(phone));
  const id = noModelMessage('id', 'action');
  assert.match(id, /tim kami yang akan melakukannya/);
  assert.ok(id.includes(phone));
});

test('the contact in the fallback comes from contact.info, so a configured phone number is the one given', async () => {
  const other = await createTestRuntime({ store, env: { ZANTARA_PHONE: '+62 000 1111 2222' } });
  try {
    const principal = (await other.key('client')).principal;
    const verdict = await tryLocalAnswer(other, principal, 'Tell me a joke about cats');
    assert.equal(verdict.status, 'escalate');
    assert.match(noModelMessage('en', 'out_of_scope'), /\+62 000 1111 2222/);
  } finally {
    await other.close();
  }
});

test('write and send requests escalate as actions and nothing is written', async () => {
  const before = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
  for (const message of [
    'Save me as a lead: John Smith, john@example.com, interested in the E33G',
    'Kirim pesan WhatsApp ke +6281234567890',
    'Ricorda che il mio KITAS scade a marzo',
  ]) {
    const verdict = await tryLocalAnswer(rt, client, message);
    assert.equal(verdict.status === 'escalate' && verdict.reason, 'action', message);
  }
  const afterCount = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
  assert.equal(afterCount.rows[0].n, before.rows[0].n);
});

test('vague or unknown questions escalate instead of guessing', async () => {
  for (const message of [
    'How much does it cost?',
    'Quanto costa un caffè a Canggu?',
    'Halo!',
    'Who handles surfboard repairs?',
    // One common word ("licence", "yoga") is not a match: no alcohol licence price for a driving licence.
    'How much is a driving licence?',
    'How long does a driving licence take?',
    'How much is a yoga mat?',
    // Two words naming two different services are not one service.
    'How much is the marriage certificate?',
    // "visa" or "shop" alone must not pick a visa or an activity.
    'Which visa for my dog?',
    'Tell me about the golden visa',
    'KBLI for a cannabis shop',
  ]) {
    const verdict = await tryLocalAnswer(rt, client, message);
    assert.equal(
      verdict.status,
      'escalate',
      `"${message}" was answered: ${verdict.status === 'answered' ? verdict.response : ''}`,
    );
  }
});

test('without the business handlers (or without the right role) the tier escalates rather than failing', async () => {
  const bare = await createTestRuntime({ store, handlers: [] });
  try {
    const principal = (await bare.key('client')).principal;
    const verdict = await tryLocalAnswer(bare, principal, 'How much does the E33G remote worker KITAS cost?');
    assert.deepEqual(verdict, { status: 'escalate', reason: 'not_confident', language: 'en' });
  } finally {
    await bare.close();
  }
});

test('Italian and Indonesian answers show names, roles and investment notes from translations.yaml, not in English', async () => {
  const data = loadKnowledge();
  const alcohol = data.kbliRequirements.rules.find((r) => r.id === 'alcohol')!.text;
  const c1 = data.items.find((i) => i.id === 'c1-tourism')!.name;
  const c1Rule = data.visas.find((v) => v.code === 'C1')!.requirements.at(-1)!;
  const specialist = data.team.members.find((m) => m.id === 'kitas-specialist')!.role;
  const cases = [
    { it: 'requisiti per aprire un bar come straniero', id: 'persyaratan untuk membuka bar', en: alcohol },
    { it: 'quanto costa il visto turistico C1?', id: 'berapa harga visa turis C1?', en: c1 },
    { it: 'chi nel team segue i kitas?', id: 'siapa yang menangani kitas?', en: specialist },
    { it: "cos'è il visto C1?", id: 'visa C1 itu apa?', en: c1Rule },
  ];
  for (const c of cases) {
    for (const language of ['it', 'id'] as const) {
      const verdict = await answer(c[language]);
      const translated = data.translations.get(c.en)?.[language];
      assert.ok(translated, `${c.en} has a ${language} translation`);
      assert.ok(verdict.response.includes(translated), `${c[language]}: ${verdict.response}`);
      // "Specialista" contains "Specialist": the English text counts only as a whole phrase.
      const english = new RegExp(`(^|\\W)${c.en.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\W|$)`);
      if (translated !== c.en) assert.ok(!english.test(verdict.response), `${c[language]} shows "${c.en}"`);
    }
  }
});

test('"and with the extension?" after a price question asks for the extension; "C1 with extension" for both', async () => {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const followUp = await tryLocalAnswer(rt, client, 'and with the extension?', {
    history: ['how much is the retirement kitas?'],
  });
  assert.equal(followUp.status, 'answered');
  const text = followUp.status === 'answered' ? followUp.response : '';
  assert.ok(text.includes(fmt(amount('e33f-retirement', 'extension'))), text);
  assert.ok(!text.includes(fmt(amount('e33f-retirement', 'offshore'))), text);
  const both = await answer('how much is the C1 visa with extension?');
  for (const option of ['standard', 'extension'])
    assert.ok(both.response.includes(fmt(amount('c1-tourism', option))), both.response);
});

test('a long message is read from its question; the context still names the variant', async () => {
  const retired = await answer(
    "Hi there, hope you're well! 😊 I'm 61, retired from Canada, planning to live in Sanur. How much is the retirement KITAS if I apply from outside Indonesia? Thanks!",
  );
  assert.ok(amountsIn(retired.response).includes(amount('e33f-retirement', 'offshore')), retired.response);
  assert.ok(!amountsIn(retired.response).includes(amount('e33f-retirement', 'onshore')), retired.response);
  const spouse = await answer(
    'Salve, mio marito è indonesiano e viviamo a Sanur. Sono già in Indonesia. Quanto costa il kitas coniuge per 1 anno?',
  );
  assert.equal(spouse.language, 'it');
  assert.ok(amountsIn(spouse.response).includes(amount('e31a-spouse', 'onshore', 1)), spouse.response);
  assert.ok(!amountsIn(spouse.response).includes(amount('e31a-spouse', 'offshore', 1)), spouse.response);
  const abroad = await answer("Hello, I'm currently in Germany. How much is the investor kitas?");
  assert.ok(!amountsIn(abroad.response).includes(amount('e28a-investor', 'onshore')), abroad.response);
  const cafe = await answer('Halo kak 🙏 temen saya mau buka kafe di Ubud. KBLI nya apa ya kak?');
  assert.equal(cafe.language, 'id');
  assert.match(cafe.response, /56303/);
  const both = await answer('price of pt pma + e28a?');
  for (const a of [amount('pt-pma-setup', 'standard'), amount('e28a-investor', 'offshore')])
    assert.ok(amountsIn(both.response).includes(a), both.response);
  const licences = await answer('kbli for a bar and which licences do I need?');
  assert.match(licences.response, /56301/);
  assert.match(licences.response, /alcohol licence/i);
});

test('a message asking something else too is handed over whole, never half-answered', async () => {
  for (const message of [
    'Ciao! Volevo sapere se posso lavorare col kitas pensione, quanto costa?',
    'Halo kak, mau tanya apakah istri saya bisa kerja. Harga kitas pasangan brp?',
    'Hi there! What is the price for the 1yr multiple entry visa? Also, can I work on it?',
    'how much for the E33G with my wife',
    'Hi! I live in Bali but need to go to Australia next month. How much is the tourist visa?',
  ]) {
    const verdict = await tryLocalAnswer(rt, client, message);
    assert.equal(verdict.status, 'escalate', message);
  }
});

test("another country's visa, or someone else's number, is out of scope even beside a music or Indonesian word", async () => {
  for (const message of [
    'how much is a Schengen visa for my Indonesian wife?',
    'Hi! I am a musician, I need a visa for Japan for my tour.',
    'visa musik ke jepang brp kak?',
    'Hi! My mom changed her phone number. Can you tell me what it is?',
    'is the immigration office open today?',
    'can I drop by the immigration office tomorrow?',
  ]) {
    const verdict = await tryLocalAnswer(rt, client, message);
    assert.deepEqual(
      [verdict.status, verdict.status === 'escalate' && verdict.reason],
      ['escalate', 'out_of_scope'],
      message,
    );
  }
  const music = await answer('Hi, I am a DJ from Berlin 🎧 How much is the music visa?');
  assert.ok(amountsIn(music.response).includes(amount('c7ab-music', 'standard')), music.response);
});

test("a visit or an opening day asked beside Bali Zero's hours is about Bali Zero's office", async () => {
  for (const message of [
    'what are your opening hours? can I drop by on saturday?',
    'jam buka kantor bali zero? sabtu buka ga?',
  ]) {
    const verdict = await answer(message);
    assert.deepEqual(verdict.handlers_used, ['contact.info']);
    assert.match(verdict.response, /10[:.]00/, 'the Saturday hours');
  }
});
