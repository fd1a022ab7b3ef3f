/**
 * Dates mentioned in a message, in English, Italian or Indonesian, resolved against "today": absolute dates
 * (2026-03-15, 15/03/2026, 15 March, 15 marzo 2026, 15 Maret) and relative ones (tomorrow, domani, besok,
 * in 3 days, tra 3 giorni, 3 hari lagi, next week…). Day-first order, as written in Europe and Indonesia.
 */
import { addDays } from '../analytics/period.ts';

export type MentionedDate = {
  /** The words in the message. */
  text: string;
  /** YYYY-MM-DD. */
  date: string;
  /** Days from today (negative: in the past). */
  days_from_today: number;
  /** True for week-based phrases ("next week"), which name no exact day. */
  approximate: boolean;
  /** Where the words start in the message, to relate a date to what surrounds it. */
  index: number;
};

const MONTHS = new Map<string, number>();
[
  'january february march april may june july august september october november december',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  'januari februari maret april mei juni juli agustus september oktober november desember',
  'jan feb mar apr may jun jul aug sep oct nov dec',
  'gen feb mar apr mag giu lug ago set ott nov dic',
  'jan feb mar apr mei jun jul agu sep okt nov des',
].forEach((list) =>
  list.split(' ').forEach((name, i) => {
    if (!MONTHS.has(name)) MONTHS.set(name, i + 1);
  }),
);
MONTHS.set('sept', 9);
MONTHS.set('agt', 8);
const MONTH = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join('|');

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  ten: 10,
  fourteen: 14,
  thirty: 30,
  uno: 1,
  un: 1,
  una: 1,
  due: 2,
  tre: 3,
  quattro: 4,
  cinque: 5,
  sei: 6,
  sette: 7,
  dieci: 10,
  quindici: 15,
  trenta: 30,
  satu: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  lima: 5,
  enam: 6,
  tujuh: 7,
  sepuluh: 10,
  'empat belas': 14,
  'tiga puluh': 30,
};
const COUNT = `(\\d{1,3}|${Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const count = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : NUMBER_WORDS[raw.toLowerCase()]);

const DAY_UNITS = 'days?|giorni|giorno|hari';
const WEEK_UNITS = 'weeks?|settimane|settimana|minggu|pekan';
const MONTH_UNITS = 'months?|mesi|mese|bulan';

type Pattern = {
  re: RegExp;
  resolve(m: RegExpExecArray, today: string): { date: string; approximate?: boolean } | undefined;
};

function validDate(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** A day and month without a year: the year that puts it closest to today. */
function nearestYear(m: number, d: number, today: string): string | undefined {
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1].map((y) => validDate(y, m, d)).filter((x): x is string => Boolean(x));
  return candidates.sort((a, b) => Math.abs(daysBetween(today, a)) - Math.abs(daysBetween(today, b)))[0];
}

function fullYear(raw: string): number {
  const y = Number(raw);
  return raw.length === 2 ? 2000 + y : y;
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const PATTERNS: Pattern[] = [
  // 2026-03-15
  {
    re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
    resolve: (m) => {
      const date = validDate(+m[1], +m[2], +m[3]);
      return date ? { date } : undefined;
    },
  },
  // 15/03/2026, 15.03.26, 15-3-2026 (day first; month first only when the first number cannot be a month)
  {
    re: /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/g,
    resolve: (m) => {
      const [a, b, y] = [+m[1], +m[2], fullYear(m[3])];
      const date = validDate(y, b, a) ?? validDate(y, a, b);
      return date ? { date } : undefined;
    },
  },
  // 15/03 (no year)
  {
    re: /\b(\d{1,2})\/(\d{1,2})\b(?![/.-]\d)/g,
    resolve: (m, today) => {
      const date = nearestYear(+m[2], +m[1], today);
      return date ? { date } : undefined;
    },
  },
  // 15 March 2026, 15th of March, 15 marzo, 15 Maret 2026
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH})\\.?(?:,?\\s+(\\d{4}))?\\b`, 'giu'),
    resolve: (m, today) => {
      const month = MONTHS.get(m[2].toLowerCase())!;
      const date = m[3] ? validDate(+m[3], month, +m[1]) : nearestYear(month, +m[1], today);
      return date ? { date } : undefined;
    },
  },
  // March 15, 2026 / March 15th
  {
    re: new RegExp(`\\b(${MONTH})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4}))?`, 'giu'),
    resolve: (m, today) => {
      const month = MONTHS.get(m[1].toLowerCase())!;
      const date = m[3] ? validDate(+m[3], month, +m[2]) : nearestYear(month, +m[2], today);
      return date ? { date } : undefined;
    },
  },
  // the day after tomorrow / dopodomani / lusa
  { re: /\b(the day after tomorrow|dopodomani|lusa)\b/giu, resolve: (_m, today) => ({ date: addDays(today, 2) }) },
  { re: /\b(tomorrow|domani|besok)\b/giu, resolve: (_m, today) => ({ date: addDays(today, 1) }) },
  { re: /\b(today|tonight|oggi|stasera|hari ini|malam ini)\b/giu, resolve: (_m, today) => ({ date: today }) },
  { re: /\b(yesterday|ieri|kemarin)\b/giu, resolve: (_m, today) => ({ date: addDays(today, -1) }) },
  // in 3 days / within 3 days / tra 3 giorni / entro 3 giorni / dalam 3 hari
  {
    re: new RegExp(
      `\\b(?:in|within|tra|fra|entro|dalam)\\s+${COUNT}\\s+(${DAY_UNITS}|${WEEK_UNITS}|${MONTH_UNITS})\\b`,
      'giu',
    ),
    resolve: (m, today) => shift(today, count(m[1]), m[2]),
  },
  // 3 days left / 3 hari lagi / mancano 3 giorni
  {
    re: new RegExp(
      `\\b${COUNT}\\s+(${DAY_UNITS}|${WEEK_UNITS}|${MONTH_UNITS})\\s+(?:left|remaining|lagi|rimasti|rimanenti|from now|da oggi)\\b`,
      'giu',
    ),
    resolve: (m, today) => shift(today, count(m[1]), m[2]),
  },
  {
    re: new RegExp(
      `\\b(?:mancano|restano|tinggal|sisa)\\s+${COUNT}\\s+(${DAY_UNITS}|${WEEK_UNITS}|${MONTH_UNITS})\\b`,
      'giu',
    ),
    resolve: (m, today) => shift(today, count(m[1]), m[2]),
  },
  // 3 days ago / 3 giorni fa / 3 hari yang lalu
  {
    re: new RegExp(
      `\\b${COUNT}\\s+(${DAY_UNITS}|${WEEK_UNITS}|${MONTH_UNITS})\\s+(?:ago|fa|(?:yang\\s+)?lalu)\\b`,
      'giu',
    ),
    resolve: (m, today) => shift(today, -count(m[1]), m[2]),
  },
  // next week / la settimana prossima / minggu depan
  {
    re: /\b(next week|la prossima settimana|settimana prossima|minggu depan|pekan depan)\b/giu,
    resolve: (_m, today) => ({ date: addDays(today, 7), approximate: true }),
  },
  {
    re: /\b(next month|il prossimo mese|mese prossimo|bulan depan)\b/giu,
    resolve: (_m, today) => ({ date: addMonths(today, 1), approximate: true }),
  },
];

function shift(
  today: string,
  n: number | undefined,
  unit: string,
): { date: string; approximate?: boolean } | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  const u = unit.toLowerCase();
  if (new RegExp(`^(${DAY_UNITS})$`).test(u)) return { date: addDays(today, n) };
  if (new RegExp(`^(${WEEK_UNITS})$`).test(u)) return { date: addDays(today, 7 * n), approximate: true };
  return { date: addMonths(today, n), approximate: true };
}

/**
 * Every date the message mentions, in the order written, each resolved against `today` (YYYY-MM-DD).
 * @example mentionedDates('my KITAS expires on 25 March', '2026-03-20')[0].days_from_today // 5
 */
export function mentionedDates(text: string, today: string): MentionedDate[] {
  const found: MentionedDate[] = [];
  const taken: Array<[number, number]> = [];
  for (const pattern of PATTERNS) {
    pattern.re.lastIndex = 0;
    for (let m = pattern.re.exec(text); m; m = pattern.re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const resolved = pattern.resolve(m, today);
      if (!resolved) continue;
      taken.push([start, end]);
      found.push({
        text: m[0].trim(),
        date: resolved.date,
        days_from_today: daysBetween(today, resolved.date),
        approximate: Boolean(resolved.approximate),
        index: start,
      });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}
