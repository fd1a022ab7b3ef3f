import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyIntent } from './intent.ts';
import { quoteParts, subjectOf, wantedVariant } from './subject.ts';

const kind = (message: string) => classifyIntent(message).kind;
const intents = (message: string) => {
  const i = classifyIntent(message);
  return i.kind === 'knowledge' ? i.intents : [];
};

test('mentioning Italy or Indonesians does not make a Bali Zero question out of scope; other countries do', () => {
  assert.deepEqual(intents("Quanto costa il KITAS investitore se lo faccio dall'Italia?"), ['price']);
  assert.equal(kind('How much is a Schengen visa for Indonesians?'), 'out_of_scope');
  assert.equal(kind('Berapa biaya visa Schengen untuk orang Indonesia?'), 'out_of_scope');
  assert.equal(kind('Come ottengo il visto per pensionati in Thailandia?'), 'out_of_scope');
  // A Bali Zero code keeps it in scope even next to another country.
  assert.deepEqual(intents('I live in Australia: how much is the E33G applied offshore?'), ['price']);
});

test('off-topic words win over price words: crypto and stock prices are not price questions', () => {
  assert.equal(kind('What is the price of Ethereum?'), 'out_of_scope');
  assert.equal(kind('Berapa harga saham Apple hari ini?'), 'out_of_scope');
  assert.equal(kind('Quanto costa comprare una villa a Ubud?'), 'out_of_scope');
});

test('asking for a quote or for a document list is not an action; sending, saving and booking are', () => {
  assert.deepEqual(intents('Tolong buatkan penawaran untuk PT PMA dan KITAS investor offshore'), ['quote']);
  assert.deepEqual(intents('What documents should I send you for the E33G?'), ['documents']);
  assert.equal(kind('Kirim email penawaran ke klien'), 'action');
  assert.equal(kind('Invia una email al cliente con il preventivo'), 'action');
  assert.equal(kind('Book a meeting with the tax team next Tuesday'), 'action');
  assert.equal(kind('Ricorda che il mio KITAS scade a marzo'), 'action');
});

test('workspace and memory reads are in scope but not for the local tier', () => {
  for (const message of [
    'What meetings do I have on my calendar tomorrow?',
    'Cosa ricordi di me?',
    'Di mana kantor imigrasi terdekat dari Canggu?',
  ]) {
    assert.equal(kind(message), 'unsupported', message);
  }
});

test('knowledge intents in three languages, combined when a message asks two things', () => {
  assert.deepEqual(intents('Berapa lama proses KITAS?'), ['timeline']);
  assert.deepEqual(intents('Quali reparti ha Bali Zero?'), ['departments']);
  assert.deepEqual(intents('What is the KBLI code for a restaurant?'), ['kbli']);
  assert.deepEqual(intents('Requisiti di investimento per aprire un bar con una PT PMA'), ['kbli_requirements']);
  assert.deepEqual(intents('Saya ingin pensiun di Bali, visa apa yang saya perlukan?'), ['visa']);
  assert.deepEqual(intents('How much does the NPWP cost and how long does it take?'), ['price', 'timeline']);
  // Visa words alone without a topic are not enough.
  assert.equal(kind('Tell me about Bali'), 'unknown');
});

test('the subject keeps the service and drops the question, and variants are read from the words', () => {
  assert.equal(subjectOf('How much does the E33G remote worker KITAS cost?'), 'e33g remote worker kitas');
  assert.equal(subjectOf('Berapa biaya KITAS pasangan 2 tahun offshore?'), 'kitas pasangan');
  assert.equal(subjectOf('Qual è il prezzo del KITAS lavoro?'), 'kitas lavoro');
  // Elided Italian articles ("l'investimento", "dell'agenzia") are not a subject.
  assert.equal(subjectOf("qual è l'investimento minimo per una PT PMA?"), 'pt pma');
  assert.equal(subjectOf("prezzo dell'E33G"), 'e33g');
  assert.deepEqual(wantedVariant('spouse kitas price for 2 years offshore'), { option: 'offshore', years: 2 });
  assert.deepEqual(wantedVariant('Quanto costa la proroga del visto C2?'), { option: 'extension' });
  assert.deepEqual(wantedVariant("Quanto costa il KITAS investitore se lo faccio dall'Italia?"), {
    option: 'offshore',
  });
  assert.deepEqual(quoteParts('Quote for a PT PMA plus an investor KITAS offshore'), [
    'quote for a pt pma',
    'an investor kitas offshore',
  ]);
});

test('contact words answer with the contact card only when Bali Zero is addressed', () => {
  assert.deepEqual(intents("what's your phone number?"), ['contact']);
  assert.deepEqual(intents('Come posso contattarvi?'), ['contact']);
  assert.deepEqual(intents('nomor whatsapp bali zero berapa?'), ['contact']);
  assert.equal(kind("find my mom's phone number in my contacts"), 'out_of_scope');
  assert.equal(kind('update my home address please'), 'out_of_scope');
  assert.equal(kind('cambia il mio indirizzo di residenza'), 'out_of_scope');
  assert.equal(kind('which department store has the best sales'), 'out_of_scope');
  assert.notDeepEqual(intents('How did the other team score in the department league?'), ['departments']);
});

test('any other country makes a visa question out of scope, in the three languages', () => {
  for (const message of [
    'what visa do I need to travel to South America?',
    'do i need a visa for peru',
    'mi serve il visto per il Brasile?',
    'perlu visa ke Korea Selatan?',
    'how do i get an exit permit to leave the US',
  ]) {
    assert.equal(kind(message), 'out_of_scope', message);
  }
  assert.notEqual(kind('do I need a visa to travel to Indonesia?'), 'out_of_scope');
});

test('a trip that starts in Bali goes elsewhere; "moving to Bali" stays in scope', () => {
  assert.equal(kind('Ci serve il visto per il Giappone, partiamo da Bali ad agosto'), 'out_of_scope');
  assert.equal(kind('need a visa for new zealand, flying out of bali next week'), 'out_of_scope');
  assert.equal(kind('mau urus visa ke Jepang, berangkat dari Bali bulan depan'), 'out_of_scope');
  assert.deepEqual(intents('moving from Australia to Bali, how much is the retirement kitas?'), ['price']);
});

test('"by which day", "what day": deadlines; "umur minimal berapa": an age, not a price; "do I have to pay": whether', () => {
  assert.ok(intents('entro quale giorno si paga la tassa annuale della pt?').includes('deadline'));
  assert.ok(intents('what day is the monthly tax return due?').includes('deadline'));
  assert.ok(!intents('kitas lansia umur minimal berapa?').includes('price'));
  assert.ok(!intents('do I need to pay BPJS with an investor KITAS?').includes('price'));
  assert.ok(intents('how much do I have to pay for the investor kitas?').includes('price'));
});
