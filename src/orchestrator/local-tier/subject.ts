/**
 * What a message is about once the words that only say what kind of question it is ("how much", "quanto costa",
 * "dokumen apa saja", "quote for") are removed: "How much is the E33G remote worker KITAS?" → "E33G remote worker KITAS".
 * The knowledge handlers match services on every remaining word, so question words left in would only dilute the match.
 */
import { foldText, STOP_WORDS } from '../../text/analysis.ts';
import type { PriceOption } from '../../knowledge/schemas.ts';
import { otherCountryIn } from './intent.ts';

// The shared function words plus the words that only say what kind of question it is.
const FILLER = new Set([
  ...STOP_WORDS,
  ...`
ok okay oke sip anyway kalo terus trus lalu allora invece quindi comunque ecco poi
estensione estensioni times kali people persons persone orang person persona already gia
deh
cheaper cheapest cheap expensive less economico economica meno murah termurah mahal lebih
much long
give needs
needed require required requires cost costs price prices pricing fee fees charge charges rate tariff pay
quote quotation estimate package packages document documents documentation checklist list paperwork papers bring prepare
processing process time timeline take takes taking days day weeks week months month fast quickly
kbli code codes activity classification use used using
offshore onshore abroad outside inside extend extension extensions renew renewal year years
proroga prorogare rinnovo rinnovare anno anni estero interno perpanjang perpanjangan memperpanjang tahun luar negeri
potrei live living vivere donna uomo foreigner foreigners foreign
straniero straniera stranieri asing open opening aprire apertura membuka buka requirement requirements requisiti investment
investimento investasi minimum minimo capital capitale modal
izin tinggal permit permits permesso permessi soggiorno residence residenza
bali zero balizero vs versus compared compare confronto bandingkan
hey ask asking wondering info information
buonasera favore chiedere informazione informazioni
nih sih tanya min boleh minta
service services servizio servizi layanan jasa
eligible eligibility qualify syarat syaratnya diperpanjang perlukan memerlukan jelaskan explain describe
spiega spiegami descrivi cos
send provide submit inviare mandare portare fornire kirim bawa serahkan
l dell all nell sull
set setting up start starting apply applying getting obtain ottenere ottiene ottengo prendere membuat bikin mengurus urus dapatkan mendapatkan
costa costano costo costi prezzo prezzi tariffa tariffe preventivo preventivi pacchetto
documenti documento servirebbe occorrono necessari richiesti lista tempo tempi vuole vogliono giorni settimane mesi
codice codici attivita fai fammi potete
harga biaya tarif penawaran paket dokumen berkas
persyaratan diperlukan dibutuhkan lama hari minggu bulan proses waktu kode usaha
buatkan buat berapakah
till until ready done finished esce escono pronto pronta pronti jadi selesai keluar
indonesia
entro va vanno pagata pagato pagare presentata presentato presentare paling lambat tanggal bayar membayar lapor melapor
guys hello dear sir madam bro mate ragazzi gentili cari halo kakak gan sis
viene vengono stuff things thing matters cose pratica pratiche urusan soal hal
prepare preparare preparo disiapkan siapkan menyiapkan talk parlare bicara ngobrol help aiuto aiutare bantu membantu
estendere estendo prolungare prolungo allungare plus next prossimo depan
recommend recommended suggest suitable best right appropriate consigli consigliate consigliato adatto adatta migliore
cocok sesuai terbaik rekomendasi saran sarankan
nya pakai pake menggunakan usare
ubud canggu seminyak kuta legian sanur uluwatu jimbaran denpasar pererenan berawa umalas kerobokan tabanan gianyar
amed lovina singaraja nusa dua lembongan penida lombok gili
quick question questions domanda domande veloce pertanyaan small little piccolo piccola kecil
brother sister cousin friend fratello sorella cugino cugina amico amica sepupu teman temen adik
age old eta umur usia minimal minima stay longer rimanere restare lungo
volevo vorrei vorremmo sapere dobbiamo farei faremmo richiesta mille moving move trasferirmi trasferirci pindah
selamat pagi siang sore malam here qui qua sini
father mother dad mom padre madre papa mamma ayah ibu bapak
warga citizen citizens cittadino cittadina wna
`
    .trim()
    .split(/\s+/),
]);

export const FILLER_WORDS: readonly string[] = [...FILLER];

/** The part of a message that names a service, a visa, a business activity or a person. */
export function subjectOf(message: string): string {
  return (
    foldText(message)
      .replace(/[^a-z0-9/]+/g, ' ')
      .replace(
        /\b(from abroad|from overseas|from outside|from home|dall estero|dall italia|da fuori|dal mio paese|dari luar negeri|dari luar)\b/g,
        ' ',
      )
      // Service names built from filler words ("work permit", "aprire una società") are kept whole, as the price list names them.
      .replace(PROTECTED, (m) => m.replace(/ /g, '\u0000'))
      .split(' ')
      // One letter is an elision or a typo ("what's" → "s"), never a subject.
      .filter((word) => word && !FILLER.has(word) && !/^\d{1,2}$/.test(word) && word.length > 1)
      .join(' ')
      .replace(/\u0000/g, ' ')
      .replace(OPEN_COMPANY, 'pt pma')
  );
}

// Price-list service names made of words that are filler on their own ("permit", "open", "izin").
const PROTECTED =
  /\b(pt pma|work permit|working permit|permesso di lavoro|izin kerja|(open|opening|set up|setting up|start|starting|register|incorporate) (a |my |the |an )?(company|business)|(aprire|apertura di|apertura|costituire|costituzione di) (una |la |l |mia )?(societa|azienda)|(buka|bikin|membuka|mendirikan|pendirian|buat) (sebuah )?(perusahaan|pt))\b/g;
// "Opening a company" is the price list's PT PMA set-up (its own aliases say so): one name for the matcher.
const OPEN_COMPANY =
  /\b((open|opening|set up|setting up|start|starting|register|incorporate) (a |my |the |an )?(company|business)|(aprire|apertura di|apertura|costituire|costituzione di) (una |la |l |mia )?(societa|azienda)|(buka|bikin|membuka|mendirikan|pendirian|buat) (sebuah )?(perusahaan|pt))\b/g;

/** Which price variant a message asks for, when it says so: offshore/onshore/extension, 1 or 2 years, a stay in days. */
export function wantedVariant(message: string): { option?: PriceOption; years?: 1 | 2; days?: number } {
  const text = ` ${foldText(message).replace(/[^a-z0-9]+/g, ' ')} `;
  let option: PriceOption | undefined;
  if (
    / (offshore|from abroad|from overseas|from outside|outside indonesia|dall estero|dall italia|da fuori|fuori dall indonesia|dal mio paese|dari luar negeri|luar negeri|dari luar|applying from abroad) /.test(
      text,
    )
  )
    option = 'offshore';
  // "I'm currently in Australia", "sono in Thailandia": someone in another country applies from abroad.
  else if (
    otherCountryIn(
      / (currently|still|now|right now|attualmente|ancora|ora|sekarang|masih|saat ini|i am|i m|we are|sono|siamo|saya|aku|kami) (living |based |working |staying |sedang |tinggal |masih )?(in|a|di) ([a-z]+( [a-z]+)?) /.exec(
        text,
      )?.[4] ?? '',
    )
  )
    option = 'offshore';
  else if (/ onshore /.test(text)) option = 'onshore';
  // "I'm already in Bali and want to renew": someone already here who renews asks for the extension.
  else if (
    / (extend|extending|extension|extensions|renew|renewing|renewal|proroga|prorogare|rinnovo|rinnovare|estensione|prolungare|prolungamento|perpanjang|perpanjangan|memperpanjang) /.test(
      text,
    )
  )
    option = 'extension';
  else if (
    / (inside indonesia|already (here )?in (indonesia|bali)|already here|i am (already )?(here )?in (bali|indonesia)|currently in (bali|indonesia)|dall interno|gia (qui|qua)|gia (qui |qua )?(in indonesia|a bali|in bali)|dalam negeri|sudah (di sini|disini)|sudah di (indonesia|bali)) /.test(
      text,
    )
  )
    option = 'onshore';
  const years = /\b(1|one|un|uno|satu) (year|years|anno|anni|tahun)\b/.test(text)
    ? 1
    : /\b(2|two|due|dua) (year|years|anno|anni|tahun)\b/.test(text)
      ? 2
      : undefined;
  // "6 months", "180 giorni", "6 bulan": the stay a visa priced by length is asked for (a month read as 30 days).
  const stay =
    /\b(\d{1,3}|six|three|sei|tre|enam|tiga) (day|days|giorni|giorno|hari|month|months|mese|mesi|bulan)\b/.exec(text);
  const count = stay ? Number(stay[1]) || { six: 6, sei: 6, enam: 6, three: 3, tre: 3, tiga: 3 }[stay[1]] : undefined;
  const days = stay && count ? (/^(day|days|giorni|giorno|hari)$/.test(stay[2]) ? count : count * 30) : undefined;
  return { ...(option ? { option } : {}), ...(years ? { years } : {}), ...(days && !years ? { days } : {}) };
}

/** How many people a message prices for ("2 ppl", "x 2 persone", "for me and my wife"), when more than one. */
export function personsIn(message: string): number | undefined {
  const text = ` ${foldText(message).replace(/[^a-z0-9]+/g, ' ')} `;
  const n =
    / (\d{1,2}|two|three|four|due|tre|quattro|dua|tiga|empat) (people|persons|person|ppl|persone|persona|orang|pax) /.exec(
      text,
    );
  const words: Record<string, number> = {
    two: 2,
    three: 3,
    four: 4,
    due: 2,
    tre: 3,
    quattro: 4,
    dua: 2,
    tiga: 3,
    empat: 4,
  };
  const count = n
    ? Number(n[1]) || words[n[1]]
    : / (me and my (wife|husband|partner)|io e mia moglie|io e mio marito|saya dan (istri|suami)) /.test(text)
      ? 2
      : undefined;
  return count && count > 1 ? count : undefined;
}

/** Splits a quote request into the services it lists: "PT PMA plus an investor KITAS" → two parts. */
export function quoteParts(message: string): string[] {
  return foldText(message)
    .split(/\s*(?:,|;|\+|&|\bplus\b|\band\b|\bwith\b|\be\b|\bed\b|\bpiu\b|\bcon\b|\bdan\b|\bserta\b|\bdengan\b)\s*/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A 5-digit KBLI code in the message, if any. */
export function kbliCodeIn(message: string): string | undefined {
  return /\b(\d{5})\b/.exec(message)?.[1];
}

/** A team language the message asks about ("who speaks Italian"). */
export function teamLanguageIn(message: string): 'en' | 'it' | 'id' | undefined {
  const text = ` ${foldText(message).replace(/[^a-z]+/g, ' ')} `;
  if (/ (italian|italiano|italiana|bahasa italia) /.test(text)) return 'it';
  if (/ (english|inglese|bahasa inggris) /.test(text)) return 'en';
  if (/ (indonesian|indonesiano|bahasa indonesia) /.test(text)) return 'id';
  return undefined;
}

const DEPARTMENTS: Array<[string, RegExp]> = [
  ['tax', / (tax|taxes|fiscal|fiscale|tasse|pajak) /],
  ['setup', / (setup|set up|company setup|costituzione) /],
  ['marketing', / (marketing|pemasaran) /],
  ['reception', / (reception|receptionist|reception desk|accoglienza|resepsionis) /],
  ['management', / (management|manager generale|direzione|manajemen|ceo|board) /],
  ['technology', / (technology|tech|tecnologia|teknologi|it team) /],
];

/**
 * A department the message names ("the tax team", "tim pajak"); with `alone`, the message names nothing else (a
 * "who handles" question about "tax" is about the tax team).
 */
export function departmentIn(message: string, alone = false): string | undefined {
  const text = ` ${foldText(message).replace(/[^a-z]+/g, ' ')} `;
  if (alone) {
    const found = DEPARTMENTS.find(([, pattern]) => pattern.test(text));
    return found && text.replace(found[1], ' ').trim() === '' ? found[0] : undefined;
  }
  // "the PT PMA setup" is a service; "the setup team" is a department.
  if (!/ (team|tim|squadra|staff|reparto|department|dipartimento|departemen|divisi|bagian) /.test(text))
    return undefined;
  return DEPARTMENTS.find(([, pattern]) => pattern.test(text))?.[0];
}
