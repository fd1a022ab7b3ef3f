/**
 * What a message asks for, as far as the local tier is concerned. Word lists in English, Italian and Indonesian
 * (accent-folded) decide; anything ambiguous is left to a model. The classifier never looks anything up: it only
 * says which handler could answer and what to ask it.
 */
import { foldText } from '../../text/analysis.ts';

export type KnowledgeIntent =
  | 'price'
  | 'quote'
  | 'visa'
  | 'documents'
  | 'kbli'
  | 'kbli_requirements'
  | 'team'
  | 'departments'
  | 'contact'
  | 'timeline'
  | 'deadline';

export type Intent =
  | { kind: 'knowledge'; intents: KnowledgeIntent[]; subject: string }
  | { kind: 'out_of_scope'; topic: string }
  | { kind: 'action'; what: string }
  | { kind: 'unsupported'; what: string }
  | { kind: 'unknown' };

/** Folds, pads with spaces and turns punctuation into spaces, so `has(text, ' word ')` matches whole words. */
export function prepare(message: string): string {
  return ` ${foldText(message)
    .replace(/[^a-z0-9/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

/** True when one of the words or phrases occurs (whole words; a trailing `*` allows any ending). */
function has(text: string, words: readonly string[]): boolean {
  return matcherFor(words).test(text);
}

// One regular expression per word list, built on first use: a turn checks about 500 words, and a string per word
// per message cost more than the rest of the classification.
const matchers = new WeakMap<readonly string[], RegExp>();

/** ` word ` for a whole word, ` stem` for `stem*`, on text that `prepare` padded with spaces. */
function matcherFor(words: readonly string[]): RegExp {
  let matcher = matchers.get(words);
  if (!matcher) {
    const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const alternatives = words
      .filter((w) => w.replace('*', '') !== '')
      .map((w) => (w.endsWith('*') ? escape(w.slice(0, -1)) : `${escape(w)}(?= )`));
    matcher = new RegExp(`(?<= )(?:${alternatives.join('|')})`);
    matchers.set(words, matcher);
  }
  return matcher;
}

const word = (list: string) => list.trim().split(/\s*,\s*/);

// Bali Zero's own vocabulary: a message using it is about Bali Zero's services even if it also names a country.
const BALI_ZERO_CODES =
  /\b(kitas|kitap|itas|itap|e23|e28a|e31a|e31b|e33f|e33g|c1|c2|c7|c7a|c18|c22a|c22b|d1|d2|d12|pt pma|pma|kbli|npwp|npwpd|bpjs|lkpm|nib|bali zero|balizero|nppbkc)\b/;

const OFF_TOPIC: Record<string, readonly string[]> = {
  weather: word(
    'weather, forecast, rain, raining, sunny, temperature, meteo, tempo fara, piove, pioggia, cuaca, hujan, ramalan cuaca',
  ),
  recipe: word(
    'recipe, recipes, cook, cooking, ricetta, ricette, cucinare, carbonara, resep, masak, memasak, rendang, nasi goreng',
  ),
  crypto: word('bitcoin, btc, ethereum, crypto, cryptocurrency, criptovalut*, kripto, token, nft, dogecoin, solana'),
  stocks: word('stock price, stock market, shares, azione apple, azioni, borsa, saham, nasdaq, dow jones, s&p'),
  sports: word(
    'football, soccer, match, partita, juventus, inter, milan, serie a, premier league, sepak bola, pertandingan, skor, score, nba, ' +
      'scores, league, win, won, game last night, gol, goal, goals, points, menang, kalah, timnas, persib, persija, lakers, yankees, arsenal, real madrid, ' +
      'ha vinto, vinto, risultato di, campionato, liga',
  ),
  alarm: word('alarm, alarms, wake me, timer, sveglia, svegliami, bangunkan, bangunin, pasang alarm'),
  music: word(
    'music, musica, musik, song, songs, canzone, canzoni, lagu, spotify, playlist, play some, play the, listen to, ascoltare, ' +
      'dengerin, putar lagu, putar musik, volume',
  ),
  shopping: word('department store, shopping, sales this weekend, saldi, diskon belanja, grocery, supermarket near'),
  personal_contacts: word(
    'my contacts, contact list, phone contacts, address book, rubrica, kontak di hp, daftar kontak, contact card of',
  ),
  joke: word('joke, jokes, barzelletta, barzellette, lelucon, lucu, funny'),
  creative: word('poem, poetry, poesia, puisi, song lyrics, story about, racconto, cerita pendek'),
  health: word(
    'medicine, medicina, headache, mal di testa, sakit kepala, obat, doctor, dottore, dokter, fever, febbre, demam',
  ),
  real_estate: word(
    'how much is a villa, price of a villa, villa prices, villa price, buy a villa, buy land, rent a villa, house prices, land prices, ' +
      'quanto costa una villa, prezzo di una villa, prezzi delle ville, comprare una villa, comprare casa, comprare terreno, affittare una villa, ' +
      'harga villa, harga rumah, harga tanah, beli villa, beli rumah, beli tanah, sewa villa per bulan',
  ),
  travel: word(
    'sunset, tramonto, best beach, spiaggia piu bella, pantai mana, restaurant recommendation, things to do, cosa vedere, tempat wisata',
  ),
};

/**
 * Other countries and their visa programmes: Bali Zero serves Indonesian immigration only. Every region name ICU
 * knows in English, Italian and Indonesian (Intl.DisplayNames), plus continents, programmes and common short forms.
 */
const OTHER_COUNTRIES = word(
  [
    ...regionNames(),
    'thai, schengen, esta, america, americano, americana, amerika, usa, the us, the states, ' +
      'australian, uk, inghilterra, inggris, dubai, uae, emirati, cina, tiongkok, nuova zelanda, south america, sud america, sudamerica, ' +
      'amerika selatan, latin america, america latina, europe, europa, eropa, africa, afrika, green card, h1b, working holiday, us visa',
  ].join(', '),
);

/** Whether prepared text (padded, folded) names a country other than Indonesia. */
export function otherCountryIn(text: string): boolean {
  return has(` ${text.trim()} `, OTHER_COUNTRIES);
}

/** Prepared text without the other countries it names ("warga inggris kitas kerja" → "warga kitas kerja"). */
export function withoutCountries(text: string): string {
  let out = ` ${text.trim()} `;
  for (let match = matcherFor(OTHER_COUNTRIES).exec(out); match; match = matcherFor(OTHER_COUNTRIES).exec(out))
    out = `${out.slice(0, match.index)} ${out.slice(match.index + match[0].length)}`;
  return out.replace(/\s+/g, ' ').trim();
}

/** Region names in the three languages, folded; Indonesia itself (and names shorter than 4 letters) left out. */
function regionNames(): string[] {
  const names = new Set<string>();
  const displays = ['en', 'it', 'id'].map((l) => new Intl.DisplayNames([l], { type: 'region' }));
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (code === 'ID') continue;
      for (const display of displays) {
        let name: string | undefined;
        try {
          name = display.of(code);
        } catch {
          continue;
        }
        if (!name || name === code) continue;
        const folded = foldText(name)
          .replace(/[^a-z0-9]+/g, ' ')
          .trim();
        if (folded.length >= 4 && !/\b(indonesia|unknown|sconosciut|tidak dikenal)/.test(folded)) names.add(folded);
      }
    }
  }
  return [...names];
}

// Requests to write or send something, or to act on someone's behalf.
const ACTION = word(
  'send, sent, email the, e mail the, mail the, whatsapp to, message to, notify, alert the, save me, save my, save this, ' +
    'save the, register me, register my, add this, add the, add me, book a, book an, schedule, reschedule, cancel the, delete, forget, ' +
    'remember that, remember my, remind me, upload, post on, post to, ' +
    'invia, inviare, manda, mandare, spedisci, scrivi a, avvisa, notifica, salva, salvare, registrami, registra, aggiungi, fissa, ' +
    'prenota, organizza, cancella, annulla, elimina, dimentica, ricorda che, ricordati, ricordami, carica, ' +
    'kirim, kirimkan, mengirim, beritahu, simpan, menyimpan, catat, daftarkan, tambahkan, jadwalkan, buat jadwal, buatkan jadwal, ' +
    'batalkan, hapus, lupakan, ingat bahwa, ingatkan, unggah',
);

// In-scope requests the local tier has no template for (workspace, memory, maps, documents search, analytics).
const UNSUPPORTED = word(
  'calendar, calendario, kalender, agenda, meeting*, riunion*, rapat, jadwal, appointment*, appuntament*, ' +
    'inbox, gmail, posta, email from, mail from, email dal, email del, email dari, drive, spreadsheet, sheet, foglio, docs, slides, ' +
    'remember about me, ricordi di me, ingat tentang saya, what do you remember, cosa ricordi, apa yang kamu ingat, ' +
    'nearest, vicino, terdekat, directions, indicazioni, rute, map, maps, mappa, peta, dashboard, report of, analytics, ' +
    'summarise, summarize, riassumi, ringkas, outbox, audit, api key, leads, lead list, google doc*, documento google, presentation, presentazione, presentasi',
);

const PRICE = word(
  'price*, cost, costs, costing, how much, fee, fees, charge, charges, tariff*, expensive, cheap*, ' +
    'prezz*, costa, costano, costo, costi, quanto viene, quanto si paga, tariff*, ' +
    'harga*, biaya*, berapa duit, ongkos, tarif',
);
// "How much do I pay" asks a price; "pay by when" ("bayar paling lambat") asks a deadline.
const PAY = word('bayar, pay, pagare, pago');
const QUOTE = word(
  'quote, quotation, estimate for, preventiv*, offerta, penawaran, rincian biaya, package, packages, pacchett*, paket',
);
const TIMELINE = word(
  'how long, how many days, how many weeks, how quickly, how fast, processing time*, timeline, take to get, ' +
    'quanto tempo, quanti giorni, quante settimane, tempi, tempistic*, durata della pratica, ' +
    'quanto ci vuole, quanto ci vogliono, quanto ci mette, quanto ci mettete, ' +
    'berapa lama, berapa hari, berapa minggu, proses*, waktu proses',
);
const DOCUMENTS = word(
  'document*, paperwork, checklist, what do i need to bring, what do i need to send, what do i need to provide, ' +
    'what do i have to send, what should i send, what do i need to prepare, papers, ' +
    'cosa devo preparare, cosa devo portare, cosa devo mandare, cosa devo inviare, cosa devo fornire, ' +
    'perlu disiapkan, harus disiapkan, yang disiapkan, perlu dibawa, harus dibawa, ' +
    'documenti, documento, carte, lista documenti, ' +
    'dokumen, berkas, syarat dokumen, kelengkapan',
);
const KBLI = word(
  'kbli, business code, activity code, classification code, codice attivita, codice ateco, kode usaha, kode bidang usaha, klasifikasi',
);
const KBLI_REQUIREMENTS = word(
  'investment requirement*, capital requirement*, minimum investment, minimum capital, requisiti di investimento, ' +
    'capitale minimo, investimento minimo, persyaratan investasi, modal minimum, investasi minimum, requirements to open, requisiti per aprire, ' +
    'syarat membuka, persyaratan untuk membuka, foreign ownership, proprieta straniera, kepemilikan asing',
);
// Licences asked beside a KBLI code: its requirement notes answer them.
const LICENCES = word(
  'licence, licences, license, licenses, licensing, permits needed, licenza, licenze, autorizzazioni, izin apa, izinnya, perizinan',
);
// Visa and permit topics; question phrases alone ("tell me about…") are not enough to ask visa.info.
const VISA = word(
  'visa, visas, visto, visti, kitas, kitap, permit, permesso, izin tinggal, stay permit, residence, residenza, ' +
    'retir*, pensione, pension*, pensiun, nomad*, nomadi, remote work*, sposat*, married, wife, husband, moglie, marito, istri, suami, ' +
    // A visa named by its code alone ("can I extend the C1?").
    'c1, c2, c7, c7a, c7b, c18, c22a, c22b, d1, d2, d12, e23, e28a, e31a, e31b, e33f, e33g',
);
// "Syarat kitas kerja?", "requisiti per il visto?": who qualifies and what to prepare.
const REQUIREMENTS = word('syarat, syaratnya, persyaratan, persyaratannya, requisiti');
const TEAM = word(
  'team, staff, who handles, who is in charge, who deals, who takes care, who looks after, who is responsible, ' +
    'who do i talk to, who should i talk to, who can i talk to, who can help me with, ' +
    'squadra, chi si occupa, chi segue, chi parla, chi nel team, chi gestisce, con chi posso parlare, a chi mi rivolgo, ' +
    'tim, siapa yang menangani, siapa yang urus, siapa yang mengurus, siapa yang handle, siapa tim, ' +
    'specialist, specialista, consultant, consulente, konsultan, who speaks',
);
const DEPARTMENTS = word('department*, division*, repart*, dipartiment*, departemen, divisi');
// A status question ("any update on my KITAS?") needs the case file, not the facts.
const STATUS = word(
  'update on my, status of my, my application, my case, a che punto, la mia pratica, stato della pratica, ' +
    'sudah jadi, sudah selesai belum, status permohonan, permohonan saya',
);
// Questions about structures and choices the facts do not cover: a person (or a model) answers them.
const ADVICE = word(
  'kppa, representative office, rappresentanza, kantor perwakilan, virtual office, ufficio virtuale, ' +
    'fits me, should i choose, ' +
    // How much tax someone owes is advice on their case, not a service fee.
    'how much tax, how much taxes, tax rate, tax rates, quante tasse, quanto pago di tasse, aliquota, aliquote, ' +
    'berapa pajak, tarif pajak, persen pajak, ' +
    // A fine is not a service fee: only a topic (overstay) answers it.
    'the fine, a fine, fines, any fine, overstay fine, penalty, penalties, multa, multe, sanzione, sanzioni, ' +
    'denda, dendanya, sanksi',
);
const DEADLINE = word(
  'deadline, deadlines, due date, when is, due, by when, when do, when should, when must, ' +
    'scadenza, scadenze, entro quando, quando scade, quando va, quando devo, quando si paga, quando si presenta, ' +
    'quando pago, quando bisogna, entro che giorno, entro quale giorno, che giorno, what day, which day, ' +
    'batas waktu, tenggat, jatuh tempo, kapan, paling lambat, tanggal berapa, batas lapor',
);
// Opening days and visits ("can I drop by on Saturday?", "sabtu buka?"): Bali Zero's only when it is addressed.
const OPEN_DAYS =
  'drop by, come by, pop in, passare da voi, posso passare, mampir, ' +
  'open on saturday, open on sunday, open today, open on weekends, open at the weekend, ' +
  'aperti il sabato, aperti la domenica, aperti oggi, aperto il sabato, aperti sabato, ' +
  'sabtu buka, minggu buka, hari ini buka, buka hari sabtu, buka sabtu, buka hari minggu, buka hari ini';
// Someone asking how to reach Bali Zero addresses it: "your number", "vi contatto", "hubungi bali zero", "nomor kantor anda".
const ADDRESSED = word(
  'you, your, yours, u, ur, bali zero, balizero, bali nol, the team, your team, your office, you guys, ' +
    'vi, voi, vostro, vostra, vostri, vostre, siete, avete, fate, aprite, contattarvi, raggiungervi, anda, kalian, admin, ' +
    // Office hours asked with no owner are the office of the assistant the person is writing to.
    'orario dell ufficio, orari dell ufficio, jam buka kantor, jam kerja kantor, kantornya',
);
const CONTACT = word(
  'contact, contacts, reach you, reach bali zero, phone, phone number, telephone, whatsapp number, email address, ' +
    'your email, your e mail, your mail, your whatsapp, your number, office, opening hours, open hours, address, where are you, ' +
    'located, vostro numero, vostra mail, vostra email, vostro whatsapp, avete whatsapp, avete una mail, avete una email, ' +
    'email bali zero, whatsapp bali zero, email kalian, email anda, whatsapp kalian, whatsapp anda, nomor anda, nomor kalian, ' +
    'nomornya, emailnya, alamatnya, ' +
    'contattar*, contatto, contatti, telefono, numero di telefono, numero whatsapp, indirizzo, orari*, orario, ufficio, dove siete, ' +
    'hubungi, menghubungi, kontak, nomor telepon, nomor whatsapp, nomor wa, alamat, kantor, jam buka, jam kerja, email anda, ' +
    OPEN_DAYS,
);

/** Every word and phrase the classifier knows, for typo correction (a word close to one of them is that word). */
export const INTENT_WORDS: readonly string[] = [
  PRICE,
  QUOTE,
  TIMELINE,
  DOCUMENTS,
  KBLI,
  KBLI_REQUIREMENTS,
  VISA,
  TEAM,
  DEPARTMENTS,
  CONTACT,
  DEADLINE,
  REQUIREMENTS,
  PAY,
  LICENCES,
]
  .flat()
  .map((w) => w.replace('*', ''));

/** Every word of every list, so typo correction leaves the classifier's own words alone ("contattarvi"). */
export const KNOWN_WORDS: readonly string[] = [
  ...Object.values(OFF_TOPIC),
  OTHER_COUNTRIES,
  ACTION,
  UNSUPPORTED,
  ADDRESSED,
  STATUS,
  ADVICE,
  ...INTENT_WORDS.map((w) => [w]),
]
  .flat()
  .flatMap((w) => w.replace('*', '').split(' '));

/** The local tier's reading of one message. */
export function classifyIntent(message: string): Intent {
  const text = prepare(message);
  const baliZero = BALI_ZERO_CODES.test(text);

  // "How much is the music visa?": music names the visa asked about, not something to play.
  const visaNamed = / (visa|visto|visti) /.test(text);
  for (const [topic, words] of Object.entries(OFF_TOPIC)) {
    if (has(text, words) && !baliZero && !(topic === 'music' && visaNamed)) return { kind: 'out_of_scope', topic };
  }
  if (
    has(text, OTHER_COUNTRIES) &&
    !baliZero &&
    !/\b(bali|indonesia|indonesian)\b/.test(
      // "a Schengen visa for my Indonesian wife": an Indonesian travelling abroad, not a visa for Indonesia;
      // "partiamo da Bali", "flying out of Bali", "berangkat dari Bali": a trip that starts here goes elsewhere.
      text
        .replace(/ (from|out of|leaving|da|dal|dalla|dari) (bali|indonesia) /g, ' ')
        .replace(
          / (for|per|untuk) (an |un |una |my |mia |mio |la mia |il mio )?(indonesians?|indonesiano|indonesiana|orang indonesia)( wife| husband| partner| girlfriend| boyfriend| friend| moglie| marito| fidanzata| fidanzato| amico| amica)? /g,
          ' ',
        ),
    )
  ) {
    return { kind: 'out_of_scope', topic: 'other_country' };
  }

  // "berapa" alone asks how much ("perpanjangan kitas berapa?"); "berapa lama/hari/orang" asks something else.
  // "nomor wa berapa?" asks for a number, not a price.
  // "kbli restoran berapa?", "tanggal berapa?": a code or a date is asked, not a price.
  const bareBerapa =
    (/(?<! tanggal| tgl| nomor| kode| no) berapa (?!lama|hari|minggu|bulan|tahun|jam|orang|kali)/.test(text) ||
      /(?<! tanggal| tgl| nomor| kode| no) berapa $/.test(text)) &&
    !has(text, CONTACT) &&
    !has(text, KBLI) &&
    // "umur minimal brp?": an age is asked, not a price.
    !/ (umur|umurnya|usia|usianya) /.test(text) &&
    // "lama proses izin alkohol brp?": how long, not how much.
    !has(text, TIMELINE);
  const deadlineAsked =
    has(text, DEADLINE) &&
    / (lkpm|tax|taxes|pajak|tasse|tassa|imposte|spt|report|laporan|lapor|rapporto|return|dichiarazione) /.test(text);
  // "Do I have to pay BPJS?" asks whether, not how much: a topic answers it, or the team.
  const mustPay =
    /\b(have to|need to|must i|do i pay|devo|dobbiamo|bisogna|harus|wajib|perlu) (pay|pagare|bayar)\b/.test(text);
  const price = has(text, PRICE) || (has(text, PAY) && !deadlineAsked && !mustPay) || bareBerapa;
  const quote = has(text, QUOTE);
  // "Make me a quote" and "which documents should I send?" ask for information, not for an action.
  const asksQuote = quote && /\b(buatkan|make|prepare|fammi|mi fai)\b/.test(text);
  const asksDocuments =
    has(text, DOCUMENTS) &&
    /\b(should i|do i|must i|need to|devo|dobbiamo|harus|perlu) (send|bring|provide|inviare|mandare|portare|kirim|bawa)\b/.test(
      text,
    );
  if (has(text, ACTION) && !asksQuote && !asksDocuments) return { kind: 'action', what: 'write_or_send' };
  if (has(text, UNSUPPORTED)) return { kind: 'unsupported', what: 'workspace_or_memory' };
  if (has(text, STATUS)) return { kind: 'unsupported', what: 'case_status' };
  if (has(text, ADVICE)) return { kind: 'unknown' };

  const intents: KnowledgeIntent[] = [];
  if (quote) intents.push('quote');
  if (has(text, KBLI_REQUIREMENTS)) intents.push('kbli_requirements');
  else if (has(text, KBLI)) {
    intents.push('kbli');
    // "KBLI for a beach club and which licences do I need?": the code and the notes on what it requires.
    if (has(text, LICENCES)) intents.push('kbli_requirements');
  }
  if (price && !quote) intents.push('price');
  if (has(text, TIMELINE)) intents.push('timeline');
  if (deadlineAsked) intents.push('deadline');
  const requirements = has(text, REQUIREMENTS) && !intents.includes('kbli_requirements');
  // Requirements of a visa: who qualifies (visa.info) and what to prepare (the checklist).
  if (requirements && intents.length === 0 && has(text, VISA)) intents.push('visa');
  // "harga dan syarat kitas kerja?": the price and what to prepare, both.
  if (has(text, DOCUMENTS) || (requirements && !intents.some((i) => i !== 'visa' && i !== 'price')))
    intents.push('documents');
  // "minta nomor wa nya dong", "emailnya apa?": the suffix, with no one named in the message, points at the business
  // written to.
  const addressed =
    has(text, ADDRESSED) ||
    /^( (halo|hai|kak|min|pak|bu|mas|mbak|gan|sis|boleh|minta|tolong|mau))* (nomor|nomer|no|whatsapp|email|alamat|kontak)( whatsapp| hp| telepon| telp| kantor)? ?nya( (dong|ya|kak|min|apa|berapa|pak|bu|mas|mbak|gan|please|sis))* $/.test(
      text,
    );
  if (has(text, DEPARTMENTS)) {
    if (addressed) intents.push('departments');
  } else if (has(text, TEAM)) intents.push('team');
  const contactWords = has(text, CONTACT);
  if (contactWords && addressed && !intents.includes('team')) intents.push('contact');
  // "find my mom's number", "update my home address": contact words with nobody at Bali Zero addressed.
  if (contactWords && !addressed && intents.length === 0) return { kind: 'out_of_scope', topic: 'personal_contacts' };
  if (intents.length === 0 && has(text, VISA)) intents.push('visa');
  if (intents.length === 0) return { kind: 'unknown' };
  return { kind: 'knowledge', intents, subject: message.trim() };
}
