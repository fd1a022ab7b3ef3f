/**
 * Out-of-scope messages in bulk, composed from templates in English, Italian and Indonesian: each template is
 * crossed with its fillers, so a few hundred hand-written lines give thousands of messages. They are generated,
 * not collected from clients — the honest name for them is "templated near-misses": phone contacts, home addresses,
 * departments and teams of other organisations, other countries' visas, alarms, weather, music, sports, shopping.
 * Two disjoint template groups: `tuning` (the matcher may be tuned on it) and `holdout` (written with it, never tuned on).
 */
import type { Language } from '../src/text/language.ts';

export type OutOfScopeCase = { id: string; language: Language; topic: string; query: string };
type Group = Record<Language, Array<[topic: string, template: string, fillers: string[]]>>;

const PEOPLE = {
  en: ['my mom', 'my brother', 'john', 'my boss', 'the plumber', 'my sister', 'grandma', 'my landlord'],
  it: [
    'mia mamma',
    'mio fratello',
    'giovanni',
    'il mio capo',
    "l'idraulico",
    'mia sorella',
    'la nonna',
    'il padrone di casa',
  ],
  id: ['ibu saya', 'adik saya', 'budi', 'bos saya', 'tukang ledeng', 'kakak saya', 'nenek', 'pemilik kos'],
};
const COUNTRIES = {
  en: ['brazil', 'japan', 'canada', 'the uk', 'australia', 'thailand', 'mexico', 'south korea', 'the us', 'peru'],
  it: [
    'brasile',
    'giappone',
    'canada',
    'inghilterra',
    'australia',
    'thailandia',
    'messico',
    'corea del sud',
    'stati uniti',
    'peru',
  ],
  id: ['brasil', 'jepang', 'kanada', 'inggris', 'australia', 'thailand', 'meksiko', 'korea selatan', 'amerika', 'peru'],
};
const TIMES = {
  en: ['6am', '7:30', 'noon', '5 pm', 'midnight'],
  it: ['le 6', 'le 7 e mezza', 'mezzogiorno', 'le 17', 'mezzanotte'],
  id: ['jam 6', 'jam setengah 8', 'jam 12 siang', 'jam 5 sore', 'tengah malam'],
};
const CITIES = {
  en: ['london', 'paris', 'sydney', 'tokyo', 'new york'],
  it: ['milano', 'roma', 'napoli', 'torino', 'firenze'],
  id: ['jakarta', 'bandung', 'surabaya', 'medan', 'makassar'],
};
const ARTISTS = {
  en: ['taylor swift', 'the beatles', 'some jazz', 'lofi beats', 'coldplay'],
  it: ['vasco rossi', 'laura pausini', 'musica jazz', 'un po di lofi', 'i maneskin'],
  id: ['dewa 19', 'noah', 'musik jazz', 'lagu santai', 'sheila on 7'],
};
const TEAMS = {
  en: ['the lakers', 'arsenal', 'the yankees', 'real madrid', 'our office team'],
  it: ['la juve', "l'inter", 'il milan', 'il napoli', 'la roma'],
  id: ['persib', 'persija', 'timnas', 'bali united', 'arema'],
};

const tuning: Group = {
  en: [
    ['phone_contacts', "what's {x}'s phone number", PEOPLE.en],
    ['phone_contacts', 'call {x}', PEOPLE.en],
    ['phone_contacts', 'find {x} in my contacts', PEOPLE.en],
    ['phone_contacts', 'add {x} to my phone contacts', PEOPLE.en],
    ['home_address', "what is {x}'s home address", PEOPLE.en],
    ['home_address', 'update my address, i moved in with {x}', PEOPLE.en],
    ['other_country', 'do i need a visa for {x}', COUNTRIES.en],
    ['other_country', 'how much is a tourist visa to {x}', COUNTRIES.en],
    ['other_country', 'how long does a work permit for {x} take', COUNTRIES.en],
    ['alarm', 'set an alarm for {x}', TIMES.en],
    ['alarm', 'remind me at {x} to drink water', TIMES.en],
    ['weather', "what's the weather in {x}", CITIES.en],
    ['weather', 'will it rain in {x} tomorrow', CITIES.en],
    ['music', 'play {x}', ARTISTS.en],
    ['music', 'put on {x} on spotify', ARTISTS.en],
    ['sports', 'did {x} win last night', TEAMS.en],
    ['sports', "what's the score of {x}", TEAMS.en],
    ['department', 'which department of {x} handles complaints', CITIES.en],
  ],
  it: [
    ['phone_contacts', 'qual è il numero di {x}', PEOPLE.it],
    ['phone_contacts', 'chiama {x}', PEOPLE.it],
    ['phone_contacts', 'cerca {x} in rubrica', PEOPLE.it],
    ['home_address', "qual è l'indirizzo di casa di {x}", PEOPLE.it],
    ['home_address', 'aggiorna il mio indirizzo, vivo con {x}', PEOPLE.it],
    ['other_country', 'serve il visto per {x}', COUNTRIES.it],
    ['other_country', 'quanto costa il visto turistico per {x}', COUNTRIES.it],
    ['alarm', 'sveglia alle {x}', TIMES.it],
    ['weather', 'che tempo fa a {x}', CITIES.it],
    ['weather', 'piove domani a {x}?', CITIES.it],
    ['music', 'metti {x}', ARTISTS.it],
    ['sports', 'ha vinto {x} ieri?', TEAMS.it],
    ['sports', 'risultato di {x}', TEAMS.it],
  ],
  id: [
    ['phone_contacts', 'nomor hp {x} brp', PEOPLE.id],
    ['phone_contacts', 'telepon {x}', PEOPLE.id],
    ['phone_contacts', 'cari kontak {x} di hp saya', PEOPLE.id],
    ['home_address', 'alamat rumah {x} dimana', PEOPLE.id],
    ['home_address', 'ubah alamat saya, sekarang tinggal sama {x}', PEOPLE.id],
    ['other_country', 'perlu visa ga ke {x}', COUNTRIES.id],
    ['other_country', 'harga visa turis ke {x} brp', COUNTRIES.id],
    ['alarm', 'pasang alarm {x}', TIMES.id],
    ['weather', 'cuaca di {x} gmn', CITIES.id],
    ['weather', 'besok hujan ga di {x}', CITIES.id],
    ['music', 'putar lagu {x}', ARTISTS.id],
    ['sports', 'skor {x} tadi malam', TEAMS.id],
    ['sports', '{x} menang ga kemarin', TEAMS.id],
  ],
};

const holdout: Group = {
  en: [
    ['phone_contacts', 'text {x} that i am late', PEOPLE.en],
    ['phone_contacts', 'show me the contact card of {x}', PEOPLE.en],
    ['phone_contacts', 'whats the number for {x}? i lost it', PEOPLE.en],
    ['home_address', 'send a cab to {x} home address', PEOPLE.en],
    ['home_address', 'where does {x} live, whats the address', PEOPLE.en],
    ['other_country', 'visa requirements for {x} for a holiday', COUNTRIES.en],
    ['other_country', 'can i work in {x} on a tourist visa', COUNTRIES.en],
    ['other_country', 'how do i extend my visa in {x}', COUNTRIES.en],
    ['alarm', 'wake me up at {x}', TIMES.en],
    ['alarm', 'set a timer till {x}', TIMES.en],
    ['weather', 'is it sunny in {x} this weekend', CITIES.en],
    ['weather', 'temperature in {x} right now', CITIES.en],
    ['music', 'i want to listen to {x}', ARTISTS.en],
    ['music', 'turn up the volume on {x}', ARTISTS.en],
    ['sports', 'when do {x} play next', TEAMS.en],
    ['sports', 'how many points did {x} score', TEAMS.en],
    ['department', 'phone number of the complaints department in {x}', CITIES.en],
    ['shopping', 'which department store in {x} is open late', CITIES.en],
  ],
  it: [
    ['phone_contacts', 'manda un messaggio a {x}', PEOPLE.it],
    ['phone_contacts', 'il telefono di {x} qual è?', PEOPLE.it],
    ['home_address', 'dove abita {x}? mi serve l indirizzo', PEOPLE.it],
    ['other_country', 'che documenti servono per il visto per {x}', COUNTRIES.it],
    ['other_country', 'come rinnovo il permesso di soggiorno in {x}', COUNTRIES.it],
    ['alarm', 'svegliami alle {x}', TIMES.it],
    ['weather', 'fa caldo a {x} questo weekend?', CITIES.it],
    ['weather', 'temperatura a {x} adesso', CITIES.it],
    ['music', 'voglio ascoltare {x}', ARTISTS.it],
    ['sports', 'quando gioca {x}', TEAMS.it],
    ['sports', 'quanti gol ha fatto {x}', TEAMS.it],
    ['department', 'numero del reparto reclami del comune di {x}', CITIES.it],
  ],
  id: [
    ['phone_contacts', 'kirim pesan ke {x} saya telat', PEOPLE.id],
    ['phone_contacts', 'no telp {x} brp ya', PEOPLE.id],
    ['home_address', '{x} tinggal dimana, alamatnya apa', PEOPLE.id],
    ['other_country', 'syarat visa ke {x} apa aja', COUNTRIES.id],
    ['other_country', 'cara perpanjang visa di {x} gmn', COUNTRIES.id],
    ['alarm', 'bangunin saya {x}', TIMES.id],
    ['weather', 'panas ga di {x} minggu ini', CITIES.id],
    ['weather', 'suhu di {x} sekarang', CITIES.id],
    ['music', 'mau dengerin {x}', ARTISTS.id],
    ['sports', 'kapan {x} main lagi', TEAMS.id],
    ['sports', 'berapa gol {x} kemarin', TEAMS.id],
    ['department', 'nomor bagian pengaduan di {x}', CITIES.id],
  ],
};

/** Every composed message of one group, in a fixed order (no randomness: the same run gives the same figures). */
export function outOfScopeMessages(group: 'tuning' | 'holdout'): OutOfScopeCase[] {
  const source = group === 'tuning' ? tuning : holdout;
  const out: OutOfScopeCase[] = [];
  const prefixes = { en: ['', 'hey ', 'pls '], it: ['', 'ciao ', 'scusa '], id: ['', 'kak ', 'halo '] } as const;
  for (const language of ['en', 'it', 'id'] as const) {
    for (const [topic, template, fillers] of source[language]) {
      for (const filler of fillers) {
        for (const prefix of prefixes[language]) {
          out.push({
            id: `oos-${group}-${language}-${out.length}`,
            language,
            topic,
            query: `${prefix}${template.replace('{x}', filler)}`,
          });
        }
      }
    }
  }
  return out;
}
