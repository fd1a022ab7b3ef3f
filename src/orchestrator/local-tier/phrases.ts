/**
 * The fixed wording of local answers in ZANTARA's three languages. Facts never live here: every figure, name,
 * date and note comes from a handler result; these are only the words around them.
 */
import type { Language } from '../../text/language.ts';

export type Phrases = {
  idr(amount: number): string;
  date(iso: string): string;
  option: Record<'offshore' | 'onshore' | 'extension' | 'standard', string>;
  years(n: number): string;
  days(n: number): string;
  from: string;
  fee: string;
  included: string;
  processing(min: number, max: number, unit: 'working_days' | 'days'): string;
  estimateLabel: string;
  sourceLine(source: string, lastVerified: string): string;
  verify: string;
  contactForQuote: string;
  notes: string;
  warning: string;
  persons(n: number): string;
  /** The price list's disclaimer in this language (English: the knowledge file's own text), naming the price list. */
  disclaimer(original: string, priceList: string): string;
  quoteTitle: string;
  quoteTotal(minimum: boolean): string;
  quoteValidity(until: string): string;
  quoteContactItems: string;
  package: string;
  visaTitle(code: string, name: string): string;
  purpose: string;
  duration: string;
  extensions: string;
  eligibility: string;
  requirements: string;
  priceReference: string;
  alsoConsider: string;
  documentsTitle(name: string): string;
  noChecklist: string;
  kbliTitle(edition: string): string;
  kbliRequirementsTitle(code: string, title: string): string;
  kbliGeneral: string;
  kbliSpecific: string;
  relatedServices: string;
  teamTitle: string;
  teamNone(handover: string): string;
  toBeConfigured: string;
  speaks: string;
  handles: string;
  departmentsTitle: string;
  members(n: number): string;
  contactTitle(name: string): string;
  phone: string;
  whatsapp: string;
  email: string;
  office: string;
  hours: string;
  languagesServed: string;
  timelineTitle(name: string): string;
  timelineRange(min: number, likely: number, max: number): string;
  timelineDates(earliest: string, latest: string): string;
  /** The asked-for variant, singled out. */
  selected(label: string): string;
  /** The asked-for variant is not in the list: every option follows. */
  noSuchVariant(label: string): string;
  /** Several variants and the question named none. */
  whichOne: string;
  forPersons(n: number, total: string): string;
  cheapest(name: string, amount: string): string;
  deadlineLine(name: string, due: string): string;
  deadlineAlternative(due: string): string;
  /** With no model: what ZANTARA cannot do here and how to reach the team. */
  cannotAnswer: string;
  outOfScope: string;
  actionNeedsModel: string;
  reachTeam(contact: { phone?: string; whatsapp?: string; email?: string; hours?: string; handover?: string }): string;
  /** When the contact details could not be read. */
  reachTeamUnknown: string;
};

const LOCALES: Record<Language, string> = { en: 'en-GB', it: 'it-IT', id: 'id-ID' };

function formatDate(language: Language, iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(LOCALES[language], {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

function formatIdr(language: Language, amount: number): string {
  const digits = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 0, useGrouping: 'always' }).format(
    amount,
  );
  return language === 'id' ? `Rp ${digits}` : `IDR ${digits}`;
}

const UNITS: Record<Exclude<Language, 'en'>, Record<string, string>> = {
  it: {
    'per extension': 'per proroga',
    'per person': 'a persona',
    'per company': 'per società',
    'per month': 'al mese',
    'per year': "all'anno",
    'per quarterly report': 'per report trimestrale',
    'per person per year': "a persona all'anno",
  },
  id: {
    'per extension': 'per perpanjangan',
    'per person': 'per orang',
    'per company': 'per perusahaan',
    'per month': 'per bulan',
    'per year': 'per tahun',
    'per quarterly report': 'per laporan triwulan',
    'per person per year': 'per orang per tahun',
  },
};

/** A unit from the price list ("per extension") in the answer's language; unknown units stay as written. */
export function unitIn(language: Language, unit: string): string {
  return language === 'en' ? unit : (UNITS[language][unit] ?? unit);
}

const en: Phrases = {
  idr: (a) => formatIdr('en', a),
  date: (d) => formatDate('en', d),
  option: {
    offshore: 'Offshore (applied from abroad)',
    onshore: 'Onshore (applied inside Indonesia)',
    extension: 'Extension',
    standard: 'Price',
  },
  years: (n) => `${n} year${n === 1 ? '' : 's'}`,
  days: (n) => `${n} days`,
  from: 'from',
  fee: 'Bali Zero service fee',
  included: 'Included',
  processing: (min, max, unit) =>
    `Processing: about ${min}–${max} ${unit === 'working_days' ? 'working days' : 'days'} (estimate)`,
  estimateLabel: 'Estimate — not a guarantee',
  sourceLine: (s, d) => `Source: ${s}, last verified ${formatDate('en', d)}.`,
  verify: 'Please confirm this with our team before relying on it — our sources disagree on part of it.',
  contactForQuote: 'Price on request — our team prepares a quote for you.',
  notes: 'Notes',
  warning: 'Good to know',
  persons: (n) => `${n} person${n === 1 ? '' : 's'}`,
  disclaimer: (original) => original,
  quoteTitle: 'Quote (Bali Zero service fees)',
  quoteTotal: (min) => (min ? 'Total (minimum)' : 'Total'),
  quoteValidity: (d) => `Valid until ${formatDate('en', d)}.`,
  quoteContactItems: 'Quoted separately (price on request)',
  package: 'Package',
  visaTitle: (code, name) => `${code} — ${name}`,
  purpose: 'Purpose',
  duration: 'Duration',
  extensions: 'Extensions',
  eligibility: 'Who qualifies',
  requirements: 'Requirements',
  priceReference: 'Bali Zero service fee',
  alsoConsider: 'Also worth a look',
  documentsTitle: (name) => `Documents to prepare for ${name}:`,
  noChecklist: 'We do not hold a checklist for this service yet; our team will send you the list.',
  kbliTitle: (edition) => `${edition} codes that match:`,
  kbliRequirementsTitle: (code, title) => `Investment and licensing notes for KBLI ${code} (${title}):`,
  kbliGeneral: 'For every PT PMA',
  kbliSpecific: 'For this activity',
  relatedServices: 'Related Bali Zero services',
  teamTitle: 'Who at Bali Zero can help:',
  teamNone: (h) => `Nobody in the directory matches exactly; ${h} will help you.`,
  toBeConfigured: 'name to be confirmed',
  speaks: 'speaks',
  handles: 'handles',
  departmentsTitle: 'Bali Zero departments:',
  members: (n) => `${n} ${n === 1 ? 'person' : 'people'}`,
  contactTitle: (name) => `How to reach ${name}:`,
  phone: 'Phone',
  whatsapp: 'WhatsApp',
  email: 'Email',
  office: 'Office',
  hours: 'Hours',
  languagesServed: 'We speak',
  timelineTitle: (name) => `Timeline estimate for ${name}:`,
  timelineRange: (min, likely, max) => `About ${min}–${max} working days (most likely ${likely}).`,
  timelineDates: (a, b) => `Starting today: ready between ${formatDate('en', a)} and ${formatDate('en', b)}.`,
  selected: (l) => `You asked for: ${l}.`,
  noSuchVariant: (l) => `The price list has no separate price for "${l}"; these are the options:`,
  whichOne: 'Which of these applies to you? Tell me and I will single it out.',
  forPersons: (n, t) => `For ${n} people: ${t}.`,
  cheapest: (name, amount) => `The cheaper one to start with is ${name}, from ${amount}.`,
  deadlineLine: (name, due) => `${name}: next due ${formatDate('en', due)}.`,
  deadlineAlternative: (due) => `Another reading of the rule gives ${formatDate('en', due)}.`,
  cannotAnswer:
    "I can't answer this one automatically right now: no AI model is available, and I only answer on my own with Bali Zero's verified facts (prices, visas and KITAS, KBLI codes, documents, timelines, team and contacts).",
  outOfScope:
    "That's outside what I can help with: I'm ZANTARA, Bali Zero's assistant for Indonesian visas and KITAS, company set-up, tax services and KBLI codes.",
  actionNeedsModel:
    "I can't carry out requests like this automatically right now (sending messages, saving data, calendars): a person on our team will do it for you.",
  reachTeamUnknown: 'Please contact the Bali Zero team directly; they will help you.',
  reachTeam: (c) =>
    `To reach the team: ${[c.whatsapp && `WhatsApp ${c.whatsapp}`, c.phone && c.phone !== c.whatsapp && `phone ${c.phone}`, c.email && `email ${c.email}`].filter(Boolean).join(', ')}${c.hours ? ` (${c.hours})` : ''}.`,
};

const it: Phrases = {
  idr: (a) => formatIdr('it', a),
  date: (d) => formatDate('it', d),
  option: {
    offshore: "Offshore (richiesto dall'estero)",
    onshore: 'Onshore (richiesto in Indonesia)',
    extension: 'Proroga',
    standard: 'Prezzo',
  },
  years: (n) => `${n} ${n === 1 ? 'anno' : 'anni'}`,
  days: (n) => `${n} giorni`,
  from: 'da',
  fee: 'tariffa di servizio Bali Zero',
  included: 'Incluso',
  processing: (min, max, unit) =>
    `Tempi: circa ${min}–${max} ${unit === 'working_days' ? 'giorni lavorativi' : 'giorni'} (stima)`,
  estimateLabel: 'Stima — non una garanzia',
  sourceLine: (s, d) => `Fonte: ${s}, verificato il ${formatDate('it', d)}.`,
  verify:
    'Ti prego di confermarlo con il nostro team prima di farci affidamento: le nostre fonti non concordano su una parte.',
  contactForQuote: 'Prezzo su richiesta: il nostro team ti prepara un preventivo.',
  notes: 'Note',
  warning: 'Da sapere',
  persons: (n) => `${n} ${n === 1 ? 'persona' : 'persone'}`,
  disclaimer: (_original, list) =>
    `I prezzi sono tariffe di servizio Bali Zero in IDR (${list}). Tasse governative, imposte e costi di terzi possono cambiare; il prezzo finale è confermato per iscritto dal team Bali Zero prima del pagamento.`,
  quoteTitle: 'Preventivo (tariffe di servizio Bali Zero)',
  quoteTotal: (min) => (min ? 'Totale (minimo)' : 'Totale'),
  quoteValidity: (d) => `Valido fino al ${formatDate('it', d)}.`,
  quoteContactItems: 'Quotati a parte (prezzo su richiesta)',
  package: 'Pacchetto',
  visaTitle: (code, name) => `${code} — ${name}`,
  purpose: 'A cosa serve',
  duration: 'Durata',
  extensions: 'Proroghe',
  eligibility: 'Chi può richiederlo',
  requirements: 'Requisiti',
  priceReference: 'Tariffa di servizio Bali Zero',
  alsoConsider: 'Da considerare anche',
  documentsTitle: (name) => `Documenti da preparare per ${name}:`,
  noChecklist: 'Non abbiamo ancora una lista per questo servizio: il nostro team te la invierà.',
  kbliTitle: (edition) => `Codici ${edition} corrispondenti:`,
  kbliRequirementsTitle: (code, title) => `Note su investimento e licenze per il KBLI ${code} (${title}):`,
  kbliGeneral: 'Per ogni PT PMA',
  kbliSpecific: 'Per questa attività',
  relatedServices: 'Servizi Bali Zero collegati',
  teamTitle: 'Chi in Bali Zero può aiutarti:',
  teamNone: (h) => `Nessuno nell'elenco corrisponde esattamente; ti aiuterà ${h}.`,
  toBeConfigured: 'nome da confermare',
  speaks: 'parla',
  handles: 'si occupa di',
  departmentsTitle: 'I reparti di Bali Zero:',
  members: (n) => `${n} ${n === 1 ? 'persona' : 'persone'}`,
  contactTitle: (name) => `Come contattare ${name}:`,
  phone: 'Telefono',
  whatsapp: 'WhatsApp',
  email: 'Email',
  office: 'Ufficio',
  hours: 'Orari',
  languagesServed: 'Parliamo',
  timelineTitle: (name) => `Stima dei tempi per ${name}:`,
  timelineRange: (min, likely, max) => `Circa ${min}–${max} giorni lavorativi (più probabile: ${likely}).`,
  timelineDates: (a, b) => `Partendo oggi: pronto tra il ${formatDate('it', a)} e il ${formatDate('it', b)}.`,
  selected: (l) => `Hai chiesto: ${l}.`,
  noSuchVariant: (l) => `Il listino non ha un prezzo a parte per "${l}"; queste sono le opzioni:`,
  whichOne: 'Quale di queste fa al caso tuo? Dimmelo e ti indico solo quella.',
  forPersons: (n, t) => `Per ${n} persone: ${t}.`,
  cheapest: (name, amount) => `Il più economico per iniziare è ${name}, da ${amount}.`,
  deadlineLine: (name, due) => `${name}: prossima scadenza il ${formatDate('it', due)}.`,
  deadlineAlternative: (due) => `Un'altra lettura della regola dà il ${formatDate('it', due)}.`,
  cannotAnswer:
    'Al momento non posso rispondere automaticamente a questa domanda: nessun modello AI è disponibile e da solo rispondo solo con i dati verificati di Bali Zero (prezzi, visti e KITAS, codici KBLI, documenti, tempi, team e contatti).',
  outOfScope:
    "Questo esula da ciò in cui posso aiutarti: sono ZANTARA, l'assistente di Bali Zero per visti e KITAS indonesiani, apertura di società, servizi fiscali e codici KBLI.",
  actionNeedsModel:
    'Al momento non posso eseguire automaticamente richieste come questa (inviare messaggi, salvare dati, calendari): se ne occuperà una persona del nostro team.',
  reachTeamUnknown: 'Contatta direttamente il team Bali Zero: ti aiuterà.',
  reachTeam: (c) =>
    `Per contattare il team: ${[c.whatsapp && `WhatsApp ${c.whatsapp}`, c.phone && c.phone !== c.whatsapp && `telefono ${c.phone}`, c.email && `email ${c.email}`].filter(Boolean).join(', ')}${c.hours ? ` (${c.hours})` : ''}.`,
};

const id: Phrases = {
  idr: (a) => formatIdr('id', a),
  date: (d) => formatDate('id', d),
  option: {
    offshore: 'Offshore (diajukan dari luar negeri)',
    onshore: 'Onshore (diajukan di Indonesia)',
    extension: 'Perpanjangan',
    standard: 'Harga',
  },
  years: (n) => `${n} tahun`,
  days: (n) => `${n} hari`,
  from: 'mulai',
  fee: 'biaya layanan Bali Zero',
  included: 'Termasuk',
  processing: (min, max, unit) =>
    `Proses: sekitar ${min}–${max} ${unit === 'working_days' ? 'hari kerja' : 'hari'} (perkiraan)`,
  estimateLabel: 'Perkiraan — bukan jaminan',
  sourceLine: (s, d) => `Sumber: ${s}, terakhir diverifikasi ${formatDate('id', d)}.`,
  verify:
    'Mohon konfirmasi dengan tim kami sebelum mengandalkannya — sumber kami berbeda untuk sebagian informasi ini.',
  contactForQuote: 'Harga atas permintaan — tim kami akan menyiapkan penawaran untuk Anda.',
  notes: 'Catatan',
  warning: 'Perlu diketahui',
  persons: (n) => `${n} orang`,
  disclaimer: (_original, list) =>
    `Harga adalah biaya layanan Bali Zero dalam IDR (${list}). Biaya pemerintah, pajak, dan biaya pihak ketiga dapat berubah; harga akhir dikonfirmasi secara tertulis oleh tim Bali Zero sebelum pembayaran.`,
  quoteTitle: 'Penawaran (biaya layanan Bali Zero)',
  quoteTotal: (min) => (min ? 'Total (minimum)' : 'Total'),
  quoteValidity: (d) => `Berlaku sampai ${formatDate('id', d)}.`,
  quoteContactItems: 'Ditawarkan terpisah (harga atas permintaan)',
  package: 'Paket',
  visaTitle: (code, name) => `${code} — ${name}`,
  purpose: 'Tujuan',
  duration: 'Durasi',
  extensions: 'Perpanjangan',
  eligibility: 'Siapa yang memenuhi syarat',
  requirements: 'Persyaratan',
  priceReference: 'Biaya layanan Bali Zero',
  alsoConsider: 'Pertimbangkan juga',
  documentsTitle: (name) => `Dokumen yang perlu disiapkan untuk ${name}:`,
  noChecklist: 'Kami belum memiliki daftar untuk layanan ini; tim kami akan mengirimkannya.',
  kbliTitle: (edition) => `Kode ${edition} yang cocok:`,
  kbliRequirementsTitle: (code, title) => `Catatan investasi dan perizinan untuk KBLI ${code} (${title}):`,
  kbliGeneral: 'Untuk setiap PT PMA',
  kbliSpecific: 'Untuk kegiatan ini',
  relatedServices: 'Layanan Bali Zero terkait',
  teamTitle: 'Yang dapat membantu di Bali Zero:',
  teamNone: (h) => `Tidak ada yang cocok persis di direktori; ${h} akan membantu Anda.`,
  toBeConfigured: 'nama akan dikonfirmasi',
  speaks: 'berbahasa',
  handles: 'menangani',
  departmentsTitle: 'Departemen Bali Zero:',
  members: (n) => `${n} orang`,
  contactTitle: (name) => `Cara menghubungi ${name}:`,
  phone: 'Telepon',
  whatsapp: 'WhatsApp',
  email: 'Email',
  office: 'Kantor',
  hours: 'Jam buka',
  languagesServed: 'Kami melayani dalam bahasa',
  timelineTitle: (name) => `Perkiraan waktu untuk ${name}:`,
  timelineRange: (min, likely, max) => `Sekitar ${min}–${max} hari kerja (kemungkinan besar ${likely}).`,
  timelineDates: (a, b) => `Mulai hari ini: selesai antara ${formatDate('id', a)} dan ${formatDate('id', b)}.`,
  selected: (l) => `Yang Anda tanyakan: ${l}.`,
  noSuchVariant: (l) => `Daftar harga tidak memiliki harga terpisah untuk "${l}"; berikut pilihannya:`,
  whichOne: 'Mana yang sesuai untuk Anda? Beri tahu saya dan saya sebutkan yang itu saja.',
  forPersons: (n, t) => `Untuk ${n} orang: ${t}.`,
  cheapest: (name, amount) => `Yang lebih murah untuk memulai adalah ${name}, mulai ${amount}.`,
  deadlineLine: (name, due) => `${name}: batas waktu berikutnya ${formatDate('id', due)}.`,
  deadlineAlternative: (due) => `Menurut bacaan lain dari aturan ini: ${formatDate('id', due)}.`,
  cannotAnswer:
    'Saat ini saya tidak dapat menjawab pertanyaan ini secara otomatis: tidak ada model AI yang tersedia, dan saya hanya menjawab sendiri dengan data Bali Zero yang terverifikasi (harga, visa dan KITAS, kode KBLI, dokumen, waktu proses, tim dan kontak).',
  outOfScope:
    'Itu di luar hal yang bisa saya bantu: saya ZANTARA, asisten Bali Zero untuk visa dan KITAS Indonesia, pendirian perusahaan, layanan pajak, dan kode KBLI.',
  actionNeedsModel:
    'Saat ini saya tidak dapat menjalankan permintaan seperti ini secara otomatis (mengirim pesan, menyimpan data, kalender): tim kami yang akan melakukannya untuk Anda.',
  reachTeamUnknown: 'Silakan hubungi tim Bali Zero secara langsung; mereka akan membantu Anda.',
  reachTeam: (c) =>
    `Untuk menghubungi tim: ${[c.whatsapp && `WhatsApp ${c.whatsapp}`, c.phone && c.phone !== c.whatsapp && `telepon ${c.phone}`, c.email && `email ${c.email}`].filter(Boolean).join(', ')}${c.hours ? ` (${c.hours})` : ''}.`,
};

export const PHRASES: Record<Language, Phrases> = { en, it, id };
