/**
 * Turns English, Italian or Indonesian text into index terms for the lexical ranker: lower case, accents folded,
 * split on anything that is not a letter or digit, stop words dropped, a small multilingual synonym map applied
 * (so "prezzo", "harga" and "price" become one term), and a light suffix stemmer for the rest.
 * The same analysis runs on tool documents and on queries, so they meet on the same terms.
 */
import { foldText, STOP_WORDS, stem } from '../../text/analysis.ts';

/**
 * Canonical terms for words that mean the same thing in the three languages (after accent folding).
 * Keys are either surface forms or stems; values are the shared term.
 */
const SYNONYMS: Record<string, string> = {};
function group(canonical: string, words: string): void {
  for (const word of words.trim().split(/\s+/)) {
    SYNONYMS[word] = canonical;
    // Inflected forms meet through their stem ("contattarvi" → "contattar" ← "contattare").
    const stemmed = stem(word);
    if (stemmed !== word && !(stemmed in SYNONYMS)) SYNONYMS[stemmed] = canonical;
  }
  SYNONYMS[canonical] = canonical;
}
group(
  'price',
  'price prices pricing cost costs costing fee fees tariff tariffs rate rates expensive cheap cheaper charge charges much ' +
    'prezzo prezzi costo costi costa costano costare tariffa tariffe caro cara cari economico spesa spese quota ' +
    'harga biaya ongkos tarif mahal murah bayar',
);
group(
  'quote',
  'quote quotes quotation estimate preventivo preventivi penawaran rincian itemised itemized invoice offerta',
);
group('visa', 'visa visas visti visto vize');
group('kitas', 'kitas itas stay permit residence residency soggiorno residenza izin tinggal kitasnya');
group('kitap', 'kitap itap permanent permanente tetap');
group(
  'work',
  'work working worker job employ employed employee employment lavoro lavorare lavoratore impiego dipendente ' +
    'kerja bekerja pekerja karyawan pekerjaan',
);
group('retire', 'retire retired retirement retiree pension pensione pensionato pensionata pensionati pensiun lansia');
group(
  'invest',
  'invest investor investors investment investire investitore investimento investimenti investasi penanam modal',
);
group('remote', 'remote nomad nomads digital freelancer freelance distanza remoto');
group(
  'spouse',
  'spouse spouses wife husband married marriage moglie marito sposato sposata coniuge matrimonio istri suami ' +
    'menikah nikah pernikahan',
);
group(
  'family',
  'family dependent dependents child children kids son daughter famiglia figli figlio figlia familiare ' +
    'keluarga anak tanggungan',
);
group('tourist', 'tourist tourism holiday vacation turismo turista turistico vacanza vacanze wisata wisatawan liburan');
group('business', 'business businesses commercial affari commerciale bisnis niaga dagang');
group('company', 'company companies firm corporation pt pma societa azienda aziende impresa srl perusahaan badan');
group(
  'setup',
  'setup set establish establishing incorporate incorporation found founding register registration open opening ' +
    'costituire costituzione aprire apertura fondare registrare registrazione ' +
    'mendirikan pendirian dirikan buka membuka daftar pendaftaran',
);
group('tax', 'tax taxes taxation fiscal vat tasse tassa fiscale imposte imposta dichiarazione pajak spt');
group(
  'document',
  'document documents paperwork papers checklist requirement requirements required bring prepare ' +
    'documento documenti carte requisiti necessari occorrono portare preparare ' +
    'dokumen berkas persyaratan syarat diperlukan dibutuhkan',
);
group('team', 'team staff staffer employees people colleagues squadra personale collaboratori colleghi tim karyawan');
group('department', 'department departments division reparto reparti dipartimento divisione departemen divisi bagian');
group(
  'contact',
  'contact contacts reach phone telephone call number whatsapp address office hours opening ' +
    'contatto contatti contattare raggiungere telefono numero indirizzo ufficio orari orario ' +
    'kontak hubungi menghubungi telepon nomor alamat kantor jam',
);
group(
  'duration',
  'duration long time timeline timeframe take takes processing process days weeks months quickly fast ' +
    'urgent urgently deadline tempo tempi durata giorni settimane mesi tempistiche urgente lama waktu proses hari minggu bulan ' +
    'cepat segera mendesak',
);
group(
  'extend',
  'extend extension extensions renew renewal prolong prorogare proroga rinnovo rinnovare estensione ' +
    'perpanjang perpanjangan memperpanjang',
);
group(
  'kbli',
  'kbli kbli2020 classification code codes activity activities sector settore codice codici attivita ' +
    'klasifikasi kode bidang',
);
group(
  'restaurant',
  'restaurant restaurants ristorante ristoranti trattoria restoran warung rumah makan cafe caffe kafe bar',
);
group(
  'villa',
  'villa villas homestay guesthouse accommodation rental rent affitto affittare alloggio penginapan sewa ' +
    'menyewakan akomodasi',
);
group('lead', 'lead leads prospect prospects interested interest potential cliente potenziale calon prospek');
group(
  'save',
  'save store record register keep log salva salvare registra registrare memorizza simpan menyimpan catat mencatat',
);
group(
  'send',
  'send sending sent dispatch deliver forward write invia inviare invio manda mandare spedisci spedire scrivi ' +
    'kirim kirimkan mengirim mengirimkan',
);
group('whatsapp', 'whatsapp wa whatsap watsapp');
group('email', 'email emails mail mails gmail inbox posta e-mail surel surat');
group(
  'calendar',
  'calendar calendars agenda schedule scheduled appointment appointments meeting meetings event events ' +
    'calendario appuntamento appuntamenti riunione riunioni incontro evento eventi ' +
    'kalender jadwal janji rapat pertemuan acara',
);
group(
  'availability',
  'availability available free busy slot slots disponibile disponibilita libero libera tersedia kosong luang',
);
group(
  'memory',
  'memory memories remember remembered recall forget facts profile ricorda ricordare ricordi ricordati memoria ' +
    'dimentica dimenticare ingat ingatlah mengingat lupa lupakan profil',
);
group('drive', 'drive file files folder folders upload cartella caricare unggah berkas');
group('sheet', 'sheet sheets spreadsheet spreadsheets excel foglio fogli tabella lembar spreadsheetnya');
group('slide', 'slide slides presentation presentations deck presentazione presentasi');
group('doc', 'doc docs gdoc');
group(
  'map',
  'map maps place places nearby near directions route navigate location locations dove mappa mappe luogo luoghi ' +
    'vicino indicazioni percorso peta tempat lokasi dekat arah rute',
);
group('instagram', 'instagram ig insta dm');
group('slack', 'slack');
group('discord', 'discord');
group(
  'notify',
  'notify notification notifications alert alerts avvisa avvisare notifica notifiche beritahu notifikasi',
);
group('search', 'search find look lookup cerca cercare trova trovare ricerca cari mencari temukan');
group(
  'knowledge',
  'knowledge guide guides policy policies regulation regulations law laws rule rules article articles ' +
    'guida guide regolamento legge leggi norma norme regola regole panduan peraturan aturan hukum undang',
);
group('urgency', 'urgency overstay overstayed expire expired expiring expiry scadenza scaduto scade kedaluwarsa habis');
group('language', 'language languages lingua lingue bahasa');
group('summary', 'summary summarize summarise summarise riassunto riassumi riassumere ringkasan ringkas merangkum');
group('report', 'report reports analytics dashboard statistics stats metrics statistiche rapporto laporan statistik');
group('key', 'apikey apikeys');
group(
  'handler',
  'handler handlers tool tools capability capabilities function functions strumenti strumento fitur alat',
);
group('identity', 'whoami identity identita identitas');
group('outbox', 'outbox queue queued coda antrean');
group('alcohol', 'alcohol alcoholic liquor alcol alcolici alkohol minuman beralkohol');
group('bpjs', 'bpjs insurance health assicurazione sanitaria asuransi kesehatan');
group('npwp', 'npwp npwpd');
group('lkpm', 'lkpm quarterly trimestrale triwulan');
group('chat', 'chat converse conversation conversazione percakapan obrolan');
group('contacts', 'addressbook rubrica');
group('broadcast', 'broadcast bulk mass massive massa massal blast');

/** The canonical term for one already-folded word, or undefined for a stop word. */
export function termOf(word: string): string | undefined {
  if (!word || STOP_WORDS.has(word)) return undefined;
  const direct = SYNONYMS[word];
  if (direct) return direct;
  const stemmed = stem(word);
  return SYNONYMS[stemmed] ?? stemmed;
}

/**
 * The index terms of a text.
 * @example analyse('Quanto costa il permesso di soggiorno per pensionati?') // ['price', 'kitas', 'kitas', 'retire']
 */
export function analyse(text: string): string[] {
  const terms: string[] = [];
  // Keys and identifiers: "bali.zero.pricing" and "send_bulk" split into words; camelCase too.
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2');
  for (const raw of foldText(spaced).split(/[^a-z0-9]+/)) {
    if (raw.length < 2 && !/\d/.test(raw)) continue;
    const term = termOf(raw);
    if (term) terms.push(term);
  }
  return terms;
}
