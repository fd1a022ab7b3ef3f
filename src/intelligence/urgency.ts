/**
 * How urgent a client's message is, and why: overstay, an expired or expiring permit, a deadline or a date close
 * to today, trouble with immigration, or an explicit "urgent". English, Italian and Indonesian. Deterministic:
 * the same text on the same day always gives the same answer, and every level comes with its reasons.
 */
import { mentionedDates, type MentionedDate } from './message-dates.ts';

export const URGENCY_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type UrgencyLevel = (typeof URGENCY_LEVELS)[number];

export type UrgencyReason = {
  code:
    | 'overstay'
    | 'permit_expired'
    | 'permit_expiring'
    | 'deadline'
    | 'date_soon'
    | 'immigration_trouble'
    | 'asked_urgent';
  level: UrgencyLevel;
  /** A sentence for staff. */
  detail: string;
  /** The words in the message that triggered it. */
  evidence: string;
  days_from_today?: number;
};

export type UrgencyAssessment = {
  level: UrgencyLevel;
  reasons: UrgencyReason[];
  dates: Array<Omit<MentionedDate, 'index'>>;
  today: string;
};

const PERMIT =
  /\b(visa|visas|visto|visti|kitas|kitap|voa|permit|permits|stay permit|permesso(?: di soggiorno)?|izin tinggal|itas|itap|e\d{2}[a-z]?|c\d{1,2}[a-z]?|d\d{1,2})\b/iu;
const OVERSTAY =
  /\b(overstay(?:ed|ing)?|over-stay(?:ed)?|stayed past|outstayed|sforat[oa]|oltre la scadenza del visto|melebihi (?:masa|izin) tinggal|lewat (?:masa berlaku|izin tinggal)|kelebihan (?:masa|izin) tinggal)\b/iu;
const EXPIRED =
  /\b(expired|has expired|ran out|run out|is over|scadut[oaie]|è scaduto|e' scaduto|sudah habis|telah habis|sudah lewat|sudah berakhir|telah berakhir|kedaluwarsa|kadaluarsa|kadaluwarsa|mati)\b/iu;
const EXPIRING =
  /\b(expir(?:es|ing|e|y|ation)|runs? out|valid (?:until|till|to)|ends?|scade|scadrà|scadono|scadenza|in scadenza|valido fino|termina|habis|akan habis|berakhir|berlaku (?:sampai|hingga)|masa berlaku)\b/iu;
const DEADLINE =
  /\b(deadline|due date|is due|are due|due (?:on|by)|no later than|by|before|entro|scadenza|termine|prima del|prima di|batas waktu|tenggat|paling lambat|sebelum|jatuh tempo)\b/iu;
const TROUBLE =
  /\b(deport(?:ed|ation)?|detained|arrested|blacklist(?:ed)?|banned|immigration (?:office|officers?) (?:called|came|stopped)|deportat[oa]|deportazione|espuls[oa]|fermat[oa]|arrestat[oa]|deportasi|dideportasi|ditahan|ditangkap|dicekal|cekal|denda|multa|fined|(?:a|the|pay|paying) fine)\b/iu;
const ASKED_URGENT =
  /\b(urgent(?:e|ly)?|asap|as soon as possible|emergency|immediately|subito|emergenza|al più presto|prima possibile|mendesak|darurat|segera|secepatnya|cepat)\b/iu;

const rank = (level: UrgencyLevel) => URGENCY_LEVELS.indexOf(level);
const max = (a: UrgencyLevel, b: UrgencyLevel) => (rank(a) >= rank(b) ? a : b);

/** The level a date carries: past or today is critical for an expiry, within 7 days high, within 30 medium. */
function levelForDays(days: number, expiry: boolean): UrgencyLevel {
  if (days <= 0) return expiry ? 'critical' : days === 0 ? 'high' : 'low';
  if (days <= 3) return expiry ? 'critical' : 'high';
  if (days <= 7) return 'high';
  if (days <= 30) return 'medium';
  return 'low';
}

function sentences(text: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  const re = /[^.!?\n]+[.!?\n]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[0].trim()) out.push({ text: m[0], start: m.index });
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${Math.abs(n) === 1 ? '' : 's'}`;
}

/**
 * Assesses one message on `today` (YYYY-MM-DD, the client's local date).
 * @example assessUrgency('My KITAS expires on 22 March', '2026-03-20').level // 'critical'
 */
export function assessUrgency(text: string, today: string): UrgencyAssessment {
  const message = text.slice(0, 10_000);
  const dates = mentionedDates(message, today);
  const reasons: UrgencyReason[] = [];
  const add = (reason: UrgencyReason) => {
    const same = reasons.find((r) => r.code === reason.code);
    if (!same) reasons.push(reason);
    else if (rank(reason.level) > rank(same.level)) Object.assign(same, reason);
  };

  for (const sentence of sentences(message)) {
    const s = sentence.text;
    const inSentence = dates.filter((d) => d.index >= sentence.start && d.index < sentence.start + s.length);
    const overstay = OVERSTAY.exec(s);
    if (overstay) {
      add({
        code: 'overstay',
        level: 'critical',
        detail: 'The client mentions an overstay: fines and a ban are possible; act today.',
        evidence: overstay[0],
      });
    }
    const permit = PERMIT.exec(s);
    const expired = EXPIRED.exec(s);
    const expiring = EXPIRING.exec(s);
    if (permit && expired) {
      add({
        code: 'permit_expired',
        level: 'critical',
        detail: `The client says their ${permit[0]} has expired: they may already be overstaying.`,
        evidence: `${permit[0]} … ${expired[0]}`,
      });
    } else if (permit && expiring) {
      const next = inSentence.find((d) => !d.approximate) ?? inSentence[0];
      if (next && next.days_from_today < 0) {
        add({
          code: 'permit_expired',
          level: 'critical',
          detail: `The ${permit[0]} expired on ${next.date} (${plural(-next.days_from_today, 'day')} ago): possible overstay.`,
          evidence: `${permit[0]} … ${next.text}`,
          days_from_today: next.days_from_today,
        });
      } else if (next) {
        add({
          code: 'permit_expiring',
          level: levelForDays(next.days_from_today, true),
          detail: `The ${permit[0]} expires ${next.days_from_today === 0 ? 'today' : `in ${plural(next.days_from_today, 'day')}`} (${next.date}${next.approximate ? ', approximate' : ''}).`,
          evidence: `${permit[0]} … ${next.text}`,
          days_from_today: next.days_from_today,
        });
      } else {
        add({
          code: 'permit_expiring',
          level: 'medium',
          detail: `The client mentions their ${permit[0]} expiring, without a date: ask for it.`,
          evidence: `${permit[0]} … ${expiring[0]}`,
        });
      }
    }
    const deadline = DEADLINE.exec(s);
    if (deadline && !(permit && (expired || expiring))) {
      for (const d of inSentence) {
        if (d.days_from_today < 0) continue;
        add({
          code: 'deadline',
          level: levelForDays(d.days_from_today, false),
          detail: `A deadline ${d.days_from_today === 0 ? 'today' : `in ${plural(d.days_from_today, 'day')}`} (${d.date}${d.approximate ? ', approximate' : ''}).`,
          evidence: `${deadline[0]} … ${d.text}`,
          days_from_today: d.days_from_today,
        });
      }
    }
    const trouble = TROUBLE.exec(s);
    if (trouble)
      add({
        code: 'immigration_trouble',
        level: 'high',
        detail: 'The client mentions deportation, detention, a ban or a fine.',
        evidence: trouble[0],
      });
    const asked = ASKED_URGENT.exec(s);
    if (asked)
      add({ code: 'asked_urgent', level: 'medium', detail: 'The client asks for urgency.', evidence: asked[0] });
  }

  // Any other date close ahead (a flight, an appointment) deserves attention even without a keyword.
  const explained = new Set(reasons.map((r) => r.days_from_today).filter((d) => d !== undefined));
  const soon = dates.filter(
    (d) => d.days_from_today >= 0 && d.days_from_today <= 7 && !explained.has(d.days_from_today),
  );
  if (soon.length) {
    const d = soon[0];
    add({
      code: 'date_soon',
      level: 'medium',
      detail: `The message mentions a date ${d.days_from_today === 0 ? 'today' : `in ${plural(d.days_from_today, 'day')}`} (${d.date}).`,
      evidence: d.text,
      days_from_today: d.days_from_today,
    });
  }

  const level = reasons.reduce<UrgencyLevel>((acc, r) => max(acc, r.level), 'low');
  reasons.sort((a, b) => rank(b.level) - rank(a.level));
  return { level, reasons, dates: dates.map(({ index: _index, ...d }) => d), today };
}
