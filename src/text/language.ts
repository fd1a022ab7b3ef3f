/**
 * Which of ZANTARA's three languages a message is written in: English, Italian or Indonesian.
 * A small marker-word vote (function words and common business words that only one of the three uses), with
 * Italian accents as extra evidence. Deterministic and fast; when nothing speaks for Italian or Indonesian the
 * answer is English.
 */
export type Language = 'en' | 'it' | 'id';

export const LANGUAGES: readonly Language[] = ['en', 'it', 'id'];

const MARKERS: Record<Language, readonly string[]> = {
  en: ['the', 'what', 'how', 'much', 'is', 'are', 'do', 'does', 'can', 'i', 'my', 'you', 'your', 'for', 'need', 'want',
    'please', 'which', 'who', 'when', 'where', 'with', 'long', 'cost', 'costs', 'price', 'get', 'of', 'to', 'and', 'about',
    'should', 'would', 'could', 'there', 'this', 'that', 'it', 'be', 'have', 'has', 'me', 'tell', 'send', 'show', 'list',
    'documents', 'required', 'weather', 'tomorrow', 'today', 'company', 'open', 'set', 'up', 'visa', 'team'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'un', 'una', 'di', 'del', 'della', 'dei', 'delle', 'per', 'che', 'come', 'cosa',
    'quanto', 'quanta', 'quanti', 'costa', 'costano', 'prezzo', 'prezzi', 'sono', 'ho', 'mi', 'vorrei', 'voglio', 'posso',
    'serve', 'servono', 'quali', 'quale', 'chi', 'quando', 'dove', 'con', 'non', 'anche', 'mio', 'mia', 'miei', 'tuo',
    'grazie', 'ciao', 'buongiorno', 'salve', 'aprire', 'società', 'societa', 'documenti', 'visto', 'permesso', 'lavoro',
    'pensione', 'moglie', 'marito', 'domani', 'oggi', 'tempo', 'ci', 'vuole', 'conviene', 'comprare', 'adesso', 'ora', 'subito',
    'cerca', 'trova', 'scrivimi', 'raccontami', 'mio', 'nostro', 'vostro', 'fammi', 'mandami', 'dammi', 'abbiamo', 'avete', 'vogliono', 'fare', 'sul', 'nel', 'alla',
    'al', 'dal', 'ed', 'o', 'ma', 'sapere', 'dimmi', 'manda', 'invia', 'ricorda', 'preventivo', 'ufficio', 'squadra',
    'contattare', 'numero', 'telefono', 'anni', 'anno', 'mese', 'mesi', 'giorni', 'bisogno', 'richiesti', 'necessari'],
  id: ['yang', 'dan', 'untuk', 'dari', 'ke', 'apa', 'apakah', 'berapa', 'bagaimana', 'saya', 'aku', 'anda', 'kamu',
    'ini', 'itu', 'ada', 'tidak', 'bisa', 'mau', 'ingin', 'harga', 'biaya', 'dengan', 'dokumen', 'perlu', 'butuh',
    'siapa', 'kapan', 'dimana', 'mana', 'berapa', 'lama', 'buka', 'membuka', 'mendirikan', 'perusahaan', 'usaha', 'kerja',
    'bekerja', 'pensiun', 'istri', 'suami', 'besok', 'hari', 'cuaca', 'tolong', 'kirim', 'kirimkan', 'simpan', 'ingat',
    'jadwal', 'rapat', 'tim', 'kantor', 'nomor', 'tahun', 'bulan', 'minggu', 'syarat', 'persyaratan', 'apa saja', 'dong',
    'ya', 'kak', 'pak', 'bu', 'terima', 'kasih', 'selamat', 'pagi', 'sudah', 'belum', 'akan', 'juga', 'atau', 'tentang',
    'bikin', 'buat', 'membuat', 'diperlukan', 'dibutuhkan', 'visanya', 'kitasnya', 'resep', 'masak', 'hubungi', 'saja',
    'bahwa', 'cari', 'klien', 'lelucon', 'lucu', 'ceritakan', 'jelaskan', 'sebaiknya', 'sekarang', 'bisakah', 'tadi', 'malam',
    'paling', 'bagus', 'orang', 'pajak', 'kode', 'beritahu', 'tolong', 'pra', 'sudah', 'siap', 'harus', 'berapakah', 'boleh',
    'pesan', 'semua', 'tentang', 'baru', 'terdekat', 'departemen', 'pasangan', 'istri', 'perpanjangan', 'pendirian', 'mendirikan'],
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
 * Detects the language of a message.
 * @example detectLanguage('Quanto costa il KITAS E33G?') // 'it'
 * @example detectLanguage('Berapa harga KITAS investor?') // 'id'
 */
export function detectLanguage(text: string): Language {
  const lower = text.toLowerCase();
  const score: Record<Language, number> = { en: 0, it: 0, id: 0 };
  for (const word of lower.split(/[^\p{L}\p{N}']+/u)) {
    if (!word) continue;
    // Italian elisions (l'ufficio, dell'E33G, qual è) are strong evidence on their own.
    if (/^(l|dell|all|dall|nell|sull|un|quest|qual)'/.test(word)) { score.it += 1.5; continue; }
    const languages = INDEX.get(word);
    if (!languages) {
      if (/^(me|mem|men|meng|ber|di|ter|pe|per)\p{L}{3,}(kan|an|nya|lah|kah)$/u.test(word)) score.id += 0.5;
      continue;
    }
    for (const language of languages) score[language] += 1 / languages.length;
  }
  if (/[àèéìòù]/.test(lower)) score.it += 1;
  const best = (['it', 'id'] as const).reduce<Language>((winner, language) => (score[language] > score[winner] ? language : winner), 'en');
  return score[best] > score.en || (best !== 'en' && score[best] === score.en && score[best] > 0) ? best : 'en';
}
