/**
 * Client messages as the local tier reads them: accent-folded, punctuation as spaces, WhatsApp abbreviations
 * spelled out ("brp" → "berapa", "x 2 anni" → "per 2 anni", "yrs" → "years") and typos of the facts' own words
 * corrected ("retirment" → "retirement", "kitass" → "kitas") against a vocabulary built from the fact files — one
 * edit for words of 5–8 letters, two from 9, the first letter kept, and only when exactly one vocabulary word is that close
 * (on a tie, the likelier typo: a letter left out before one mistyped before one too many).
 */
import { foldText } from '../../text/analysis.ts';

const ABBREVIATIONS: Record<string, string> = {
  // Indonesian chat spelling
  brp: 'berapa',
  brapa: 'berapa',
  brpa: 'berapa',
  hrg: 'harga',
  hrga: 'harga',
  gmn: 'gimana',
  gmna: 'gimana',
  bgmn: 'bagaimana',
  yg: 'yang',
  utk: 'untuk',
  untk: 'untuk',
  dgn: 'dengan',
  dg: 'dengan',
  sy: 'saya',
  sya: 'saya',
  aja: 'saja',
  ga: 'tidak',
  gak: 'tidak',
  nggak: 'tidak',
  ngga: 'tidak',
  tdk: 'tidak',
  bs: 'bisa',
  bsa: 'bisa',
  dok: 'dokumen',
  dokumennya: 'dokumen',
  org: 'orang',
  thn: 'tahun',
  th: 'tahun',
  bln: 'bulan',
  hr: 'hari',
  tgl: 'tanggal',
  krn: 'karena',
  jg: 'juga',
  udh: 'sudah',
  udah: 'sudah',
  sdh: 'sudah',
  blm: 'belum',
  lg: 'lagi',
  kalo: 'kalau',
  klo: 'kalau',
  gimana: 'bagaimana',
  prosesnya: 'proses',
  biayanya: 'biaya',
  harganya: 'harga',
  berapaan: 'berapa',
  perpanjangannya: 'perpanjangan',
  wa: 'whatsapp',
  // English chat spelling
  pls: 'please',
  plz: 'please',
  pls2: 'please',
  u: 'you',
  ur: 'your',
  whats: 'what is',
  im: 'i am',
  yrs: 'years',
  yr: 'year',
  gg: 'giorni',
  ppl: 'people',
  docs: 'documents',
  doc: 'document',
  info: 'information',
  thx: 'thanks',
  tks: 'thanks',
  hw: 'how',
  abt: 'about',
  center: 'centre',
  centers: 'centres',
  // Italian chat spelling
  cmq: 'comunque',
  nn: 'non',
  xche: 'perche',
  xke: 'perche',
  qlc: 'qualche',
  qnt: 'quanto',
  sn: 'sono',
  tt: 'tutto',
};

/** Units written short after a number ("2yrs", "180gg", "6mos"). */
const UNITS: Record<string, string> = { gg: 'giorni', mo: 'months', mos: 'months' };

/** Folds, spells out abbreviations and turns "x" between a number or "2 anni" context into "per". */
export function spellOut(message: string): string {
  // "C1 + extension": the plus is a word too ("plus"), not punctuation to drop.
  const words = foldText(message)
    .replace(/\+/g, ' plus ')
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    // "x 2 anni", "x persona": the chat "x" for "per"; "2x" stays a count ("perpanjangan 2x" = two extensions).
    if (w === 'x' && i > 0) {
      out.push('per');
      continue;
    }
    // "perpanjangan x2": after an extension, "x2" counts extensions too (elsewhere it may count people: left as is).
    const n =
      /^(\d+)x$/.exec(w) ??
      (/^(extension|extensions|estensione|estensioni|proroga|proroghe|perpanjangan)$/.test(out.at(-1) ?? '')
        ? /^x(\d)$/.exec(w)
        : null);
    if (n) {
      out.push(n[1], 'times');
      continue;
    }
    // "1yr", "2thn", "6bln", "180gg": a number written against its unit.
    const span =
      /^(\d{1,3})(yrs?|years?|thn|th|tahun|bln|bulan|anni|anno|mesi|mese|gg|giorni|hari|hr|days?|months?|mos?)$/.exec(
        w,
      );
    if (span) {
      out.push(span[1], UNITS[span[2]] ?? ABBREVIATIONS[span[2]] ?? span[2]);
      continue;
    }
    out.push(ABBREVIATIONS[w] ?? w);
  }
  return out.join(' ');
}

/** A vocabulary of the facts' words, for typo correction (built once per knowledge data). */
export class Vocabulary {
  readonly #words: Set<string>;
  readonly #byLength = new Map<number, string[]>();
  readonly #cache = new Map<string, string>();

  constructor(texts: Iterable<string>, known: Iterable<string> = []) {
    this.#words = new Set<string>(known);
    const content = new Set<string>();
    for (const text of texts) for (const w of spellOut(text).split(' ')) if (/^[a-z]{5,}$/.test(w)) content.add(w);
    for (const w of content) {
      this.#words.add(w);
      const list = this.#byLength.get(w.length) ?? [];
      list.push(w);
      this.#byLength.set(w.length, list);
    }
  }

  /** The word itself when known or not close to exactly one fact word; otherwise that fact word. */
  correct(word: string): string {
    if (word.length < 5 || this.#words.has(word) || !/^[a-z]+$/.test(word)) return word;
    const cached = this.#cache.get(word);
    if (cached !== undefined) return cached;
    const limit = word.length >= 9 ? 2 : 1;
    let closest: string[] = [];
    let bestDistance = limit + 1;
    for (let len = word.length - limit; len <= word.length + limit; len++) {
      for (const candidate of this.#byLength.get(len) ?? []) {
        // Typos rarely touch the first letter; requiring it keeps real words ("consulting") from becoming others.
        if (candidate[0] !== word[0]) continue;
        const d = editDistance(word, candidate, limit);
        if (d > limit) continue;
        if (d < bestDistance) {
          closest = [candidate];
          bestDistance = d;
        } else if (d === bestDistance) closest.push(candidate);
      }
    }
    // A tie goes to the likelier typo — a letter left out ("investr" → "investor", not "invest"), then one mistyped,
    // then one too many — and stays uncorrected when that still leaves more than one word.
    const likelihood = (candidate: string) => [1, 0, -1].indexOf(candidate.length - word.length) >>> 0;
    const first = Math.min(...closest.map(likelihood));
    const likeliest = closest.filter((c) => likelihood(c) === first);
    const result = likeliest.length === 1 ? likeliest[0] : word;
    if (this.#cache.size < 10_000) this.#cache.set(word, result);
    return result;
  }

  /** A whole message: spelled out, then each word corrected. */
  normalize(message: string): string {
    return spellOut(message)
      .split(' ')
      .map((w) => this.correct(w))
      .join(' ');
  }
}

/** Optimal string alignment distance (transpositions count as one edit), stopping early above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}
