/**
 * Durable facts a user states about themselves in chat: name, nationality, language preference, the permit they
 * hold or want, its expiry, their company. Local patterns (English, Italian, Indonesian) are deliberately
 * conservative: first-person statements only, never questions, a known vocabulary for nationalities and
 * languages. With a model, structured output does the same job and its answers are checked the same way.
 */
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import type { FactType } from './memory-facts.ts';

export const EXTRACTED_KEYS = [
  'name',
  'nationality',
  'language',
  'permit_held',
  'permit_wanted',
  'permit_expiry',
  'company',
] as const;
export type ExtractedKey = (typeof EXTRACTED_KEYS)[number];
export type ExtractedFact = { key: ExtractedKey; type: FactType; content: string; data: Record<string, unknown> };

const TYPE_OF: Record<ExtractedKey, FactType> = {
  name: 'profile',
  nationality: 'profile',
  company: 'profile',
  language: 'preference',
  permit_held: 'permit',
  permit_wanted: 'permit',
  permit_expiry: 'permit',
};

// Demonyms and country names in EN / IT / ID → the English nationality. Vocabulary, not business facts.
const NATIONALITIES: Record<string, string> = {};
for (const [nationality, words] of Object.entries({
  Italian: 'italian italy italiano italiana italia italia',
  Australian: 'australian australia australiano australiana',
  American: 'american usa americano americana amerika',
  British: 'british uk english inglese britannico britannica inggris',
  German: 'german germany tedesco tedesca germania jerman',
  French: 'french france francese francia prancis',
  Dutch: 'dutch netherlands olandese olanda belanda',
  Spanish: 'spanish spain spagnolo spagnola spagna spanyol',
  Russian: 'russian russia russo russa rusia',
  Indonesian: 'indonesian indonesia indonesiano indonesiana',
  Chinese: 'chinese china cinese cina tiongkok',
  Japanese: 'japanese japan giapponese giappone jepang',
  Korean: 'korean korea coreano coreana korea',
  Indian: 'indian india indiano indiana',
  Canadian: 'canadian canada canadese kanada',
  Swiss: 'swiss switzerland svizzero svizzera swiss',
  Brazilian: 'brazilian brazil brasiliano brasiliana brasile brasil',
  Singaporean: 'singaporean singapore singaporiano singapura',
  Malaysian: 'malaysian malaysia malese',
  'New Zealander': 'kiwi zealander',
  Polish: 'polish poland polacco polacca polonia',
  Swedish: 'swedish sweden svedese svezia swedia',
  Ukrainian: 'ukrainian ukraine ucraino ucraina',
  Irish: 'irish ireland irlandese irlanda irlandia',
  Belgian: 'belgian belgium belga belgio belgia',
  Austrian: 'austrian austria austriaco austriaca',
  Portuguese: 'portuguese portugal portoghese portogallo',
}))
  for (const w of words.split(' ')) NATIONALITIES[w] = nationality;

const LANGUAGES: Record<string, 'en' | 'it' | 'id'> = {
  english: 'en',
  inglese: 'en',
  inggris: 'en',
  "l'inglese": 'en',
  italian: 'it',
  italiano: 'it',
  "l'italiano": 'it',
  italia: 'it',
  indonesian: 'id',
  indonesiano: 'id',
  "l'indonesiano": 'id',
  indonesia: 'id',
  bahasa: 'id',
};
const LANGUAGE_NAMES = { en: 'English', it: 'Italian', id: 'Indonesian' } as const;

const PERMIT = String.raw`((?:investor |working |work |retirement |family |spouse |digital nomad |student |second home )?(?:KITAS|KITAP|VOA|visa on arrival|visto|visa)(?: (?:investor|kerja|lansia|investitore|di lavoro))?(?: ?\(?[A-E]\d{2,3}[A-Z]?\)?)?|[A-E]\d{2,3}[A-Z]?(?: (?:visa|KITAS|visto))?)`;
const NAME = String.raw`(\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+){0,3})`;
const LEAD = String.raw`^(?:(?:hi|hello|hey|ciao|salve|halo|hai|well|so|and|also|btw|anyway|e|anche|dan|juga)[, ]+)*`;

const MONTHS: Record<string, number> = {};
[
  'january february march april may june july august september october november december',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  'januari februari maret april mei juni juli agustus september oktober november desember',
  'jan feb mar apr may jun jul aug sep oct nov dec',
].forEach((list) =>
  list.split(' ').forEach((m, i) => {
    MONTHS[m] ??= i + 1;
  }),
);

/** A calendar date in ISO form from "2026-03-15", "15/03/2026", "15 March 2026", "March 15, 2026", "15 marzo 2026". */
export function parseDate(text: string): string | undefined {
  let y: number | undefined, m: number | undefined, d: number | undefined;
  let match: RegExpExecArray | null;
  if ((match = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(text))) [y, m, d] = [+match[1], +match[2], +match[3]];
  else if ((match = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/.exec(text)))
    [d, m, y] = [+match[1], +match[2], +match[3]];
  else if (
    (match = /\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([\p{L}]+)\.?,?\s+(\d{4})\b/u.exec(text)) &&
    MONTHS[match[2].toLowerCase()]
  )
    [d, m, y] = [+match[1], MONTHS[match[2].toLowerCase()], +match[3]];
  else if (
    (match = /\b([\p{L}]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/u.exec(text)) &&
    MONTHS[match[1].toLowerCase()]
  )
    [m, d, y] = [MONTHS[match[1].toLowerCase()], +match[2], +match[3]];
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1990 || y > 2100)
    return undefined;
  return date.toISOString().slice(0, 10);
}

function normalizePermit(raw: string): string {
  const text = raw.trim().replace(/[()]/g, '').replace(/\s+/g, ' ');
  return text
    .replace(/\b(kitas|kitap|voa)\b/gi, (w) => w.toUpperCase())
    .replace(/\b([a-e]\d{2,3}[a-z]?)\b/gi, (w) => w.toUpperCase());
}

function fact(key: ExtractedKey, content: string, data: Record<string, unknown>): ExtractedFact {
  return { key, type: TYPE_OF[key], content, data };
}

/** Clauses that are statements: split at sentence ends and ", ", questions dropped. */
function statements(message: string): string[] {
  const out: string[] = [];
  for (const sentence of message.split(/(?<=[.!?;\n])\s*/)) {
    if (/\?\s*$/.test(sentence)) continue;
    // A new clause at a comma, or at "and"/"e"/"dan" when a new subject follows ("… and I'm Italian").
    for (const clause of sentence.split(
      /,\s+|\s+(?:but|ma|tapi)\s+|\s+(?:and|e|dan)\s+(?=(?:i|i'm|it|its|my|io|sono|ho|mi|saya|visa|kitas)\b)/i,
    )) {
      const c = clause.trim().replace(/[.!;]+$/, '');
      if (c) out.push(c);
    }
  }
  return out;
}

const re = (body: string) => new RegExp(LEAD + body, 'iu');
// Case-insensitive phrase, case-sensitive name: a name starts with a capital letter.
const NAME_PATTERNS = [
  'my name is',
  'call me',
  'mi chiamo',
  'il mio nome è',
  'nama saya(?: adalah)?',
  'saya bernama',
  'namaku',
]
  .map((phrase) => new RegExp(`(?i:${LEAD}(?:${phrase}))\\s+${NAME}`, 'u'))
  .concat(new RegExp(`(?i:${LEAD}(?:i am|i'm|sono|saya))\\s+${NAME}\\s*$`, 'u'));

/** Facts stated in `message` by local patterns. De-duplicated by key (the last statement wins). */
export function extractFactsLocally(message: string): ExtractedFact[] {
  const found = new Map<ExtractedKey, ExtractedFact>();
  const add = (f: ExtractedFact) => found.set(f.key, f);
  for (const clause of statements(message.slice(0, 4000))) {
    for (const pattern of NAME_PATTERNS) {
      const m = pattern.exec(clause);
      if (m && !NATIONALITIES[m[1].toLowerCase()] && !/^(KITAS|KITAP)$/i.test(m[1])) {
        add(fact('name', `Name: ${m[1]}`, { name: m[1] }));
        break;
      }
    }
    const nat = re(
      String.raw`(?:i am|i'm|i am an?|i'm an?|sono|saya(?: adalah)?(?: orang| warga negara| warga)?|my nationality is|la mia nazionalità è|sono di nazionalità|kewarganegaraan saya(?: adalah)?|i come from|i'm from|i am from|vengo da|vengo dall'|saya dari|saya berasal dari)\s+(?:an?\s+)?([\p{L}]+)(?:\s+(?:citizen|national|cittadino|cittadina))?\s*$`,
    ).exec(clause);
    if (nat && NATIONALITIES[nat[1].toLowerCase()])
      add(
        fact('nationality', `Nationality: ${NATIONALITIES[nat[1].toLowerCase()]}`, {
          nationality: NATIONALITIES[nat[1].toLowerCase()],
        }),
      );
    const lang = re(
      String.raw`(?:please\s+)?(?:(?:answer|reply|respond|write|talk|speak)(?: to me)? in|i prefer|i'd prefer|i would prefer|rispondimi in|rispondi in|scrivimi in|parlami in|preferisco|(?:tolong\s+)?(?:jawab|balas|tulis)(?:lah)?(?: dalam| pakai| dengan)?(?: bahasa)?|saya lebih suka(?: bahasa)?|pakai bahasa)\s+([\p{L}']+)(?:\s+(?:please|language|per favore|ya|saja))?\s*$`,
    ).exec(clause);
    if (lang) {
      const word = lang[1].toLowerCase();
      const code = word === 'bahasa' ? undefined : LANGUAGES[word];
      if (code) add(fact('language', `Prefers replies in ${LANGUAGE_NAMES[code]}`, { language: code }));
    }
    const held = re(
      String.raw`(?:i (?:currently |already )?(?:have|hold|got|am on|'m on)|i'm holding|my (?:current )?(?:permit|visa) is|ho (?:già |gia )?(?:un |una |il |la |l')?|sono in possesso di (?:un |una |il )?|il mio (?:permesso|visto) è(?: un| il)?|saya (?:sudah |sekarang )?(?:punya|memiliki|memegang|pakai|menggunakan)|visa saya(?: adalah)?)\s*(?:an?\s+|the\s+)?${PERMIT}`,
    ).exec(clause);
    if (held)
      add(fact('permit_held', `Holds permit: ${normalizePermit(held[1])}`, { permit: normalizePermit(held[1]) }));
    const wanted = re(
      String.raw`(?:i (?:want|need|would like|'d like|wish|plan|am planning|'m planning|am applying|'m applying)(?: to (?:get|apply for|obtain|have|switch to|convert to))?(?: for)?|vorrei(?: (?:ottenere|richiedere|fare|avere))?|voglio(?: (?:ottenere|richiedere|fare))?|ho bisogno di|devo (?:ottenere|richiedere|fare)|saya (?:mau|ingin|perlu|butuh|akan)(?: (?:mengajukan|membuat|mendapatkan|apply|urus|mengurus))?)\s+(?:an?\s+|the\s+|un |una |uno |il |la |l')?${PERMIT}`,
    ).exec(clause);
    if (wanted)
      add(fact('permit_wanted', `Wants permit: ${normalizePermit(wanted[1])}`, { permit: normalizePermit(wanted[1]) }));
    const expiry = new RegExp(
      String.raw`(?:my\s+)?${PERMIT}?[^,]*?\b(?:expires?|expiring|runs out|is valid until|valid until|scade|scadrà|è valido fino al|valido fino al|in scadenza|berlaku (?:sampai|hingga)|habis|kedaluwarsa|expired on)\b`,
      'iu',
    ).exec(clause);
    if (
      expiry &&
      /^(?:(?:my|it|its|which|mio|mia|il mio|la mia|scade|scadrà|berlaku|habis)\b|[^\s]*\s*(?:KITAS|KITAP|visa|visto|permesso|permit|E\d|C\d|D\d|B\d)|saya|visa saya|kitas saya)/iu.test(
        clause.replace(new RegExp(LEAD, 'iu'), ''),
      )
    ) {
      const date = parseDate(clause);
      if (date) {
        const permit = expiry[1]
          ? normalizePermit(expiry[1])
          : (found.get('permit_held')?.data.permit as string | undefined);
        add(
          fact('permit_expiry', `${permit ? `Permit ${permit}` : 'Permit'} expires on ${date}`, {
            expires_on: date,
            ...(permit ? { permit } : {}),
          }),
        );
      }
    }
    const company = re(
      String.raw`(?:my company is(?: called)?|our company is(?: called)?|i work (?:for|at)|i own|i run|my company,?|la mia (?:azienda|società) (?:è|si chiama)|lavoro (?:per|presso|da)|nama perusahaan saya(?: adalah)?|perusahaan saya(?: adalah| bernama)?|saya bekerja (?:di|untuk)|saya punya perusahaan)\s+((?:PT\.?\s+|CV\.?\s+)?\p{Lu}[\p{L}\p{N}&.'’ -]{1,58}?)\s*$`,
    ).exec(clause);
    if (company && !/^(?:a|an|the|una?|sebuah)\b/i.test(company[1]))
      add(fact('company', `Company: ${company[1].trim()}`, { company: company[1].trim() }));
  }
  return [...found.values()];
}

const modelFacts = z.object({
  facts: z.array(
    z.object({
      key: z.enum(EXTRACTED_KEYS).describe('Which fact'),
      value: z
        .string()
        .describe(
          'The value as the user stated it: a name, a nationality in English, a language code en/it/id, a permit name or code, a company name',
        ),
      expires_on: z.string().nullable().describe('For permit_expiry only: the date as YYYY-MM-DD'),
      permit: z.string().nullable().describe('For permit_expiry only: which permit expires, if said'),
    }),
  ),
});

/**
 * Facts stated in `message`, by the model with structured output when one is given (falling back to the local
 * patterns if it fails), otherwise by the local patterns.
 */
export async function extractFacts(
  message: string,
  options: { model?: LanguageModel; signal?: AbortSignal } = {},
): Promise<ExtractedFact[]> {
  if (!options.model) return extractFactsLocally(message);
  try {
    const { output } = await generateText({
      model: options.model,
      abortSignal: options.signal,
      output: Output.object({ schema: modelFacts }),
      system:
        'Extract only durable facts the user states about THEMSELVES in this message: name, nationality, preferred reply language, ' +
        'the stay permit they hold, the permit they want, when their permit expires, their company. Ignore questions, hypotheticals and ' +
        'facts about other people. Return an empty list when there are none.',
      prompt: message.slice(0, 4000),
    });
    return normalizeModelFacts(output.facts);
  } catch {
    return extractFactsLocally(message);
  }
}

function normalizeModelFacts(facts: z.infer<typeof modelFacts>['facts']): ExtractedFact[] {
  const found = new Map<ExtractedKey, ExtractedFact>();
  for (const f of facts) {
    const value = f.value.trim().slice(0, 200);
    if (!value && f.key !== 'permit_expiry') continue;
    switch (f.key) {
      case 'language': {
        const code =
          (['en', 'it', 'id'] as const).find((c) => c === value.toLowerCase()) ?? LANGUAGES[value.toLowerCase()];
        if (code)
          found.set('language', fact('language', `Prefers replies in ${LANGUAGE_NAMES[code]}`, { language: code }));
        break;
      }
      case 'permit_expiry': {
        const date = parseDate(f.expires_on ?? value);
        if (!date) break;
        const permit = f.permit ? normalizePermit(f.permit) : undefined;
        found.set(
          'permit_expiry',
          fact('permit_expiry', `${permit ? `Permit ${permit}` : 'Permit'} expires on ${date}`, {
            expires_on: date,
            ...(permit ? { permit } : {}),
          }),
        );
        break;
      }
      case 'permit_held':
      case 'permit_wanted': {
        const permit = normalizePermit(value);
        found.set(f.key, fact(f.key, `${f.key === 'permit_held' ? 'Holds' : 'Wants'} permit: ${permit}`, { permit }));
        break;
      }
      case 'nationality':
        found.set(
          'nationality',
          fact('nationality', `Nationality: ${NATIONALITIES[value.toLowerCase()] ?? value}`, {
            nationality: NATIONALITIES[value.toLowerCase()] ?? value,
          }),
        );
        break;
      case 'name':
        found.set('name', fact('name', `Name: ${value}`, { name: value }));
        break;
      case 'company':
        found.set('company', fact('company', `Company: ${value}`, { company: value }));
        break;
    }
  }
  return [...found.values()];
}
