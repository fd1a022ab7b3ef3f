import { z } from 'zod';
import { ZantaraError } from '../errors.ts';
import { isDateInRange } from '../input-safety.ts';

export { isDateInRange };

/** Bali Zero works in WITA (UTC+8); days in reports start at local midnight unless a caller asks otherwise. */
export const DEFAULT_TIMEZONE = 'Asia/Makassar';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A period bound as accepted by handlers: a calendar day (`2026-03-01`) or an ISO instant (`2026-03-01T10:00:00Z`). */
export const periodBound = z
  .string()
  .trim()
  .refine(isDateInRange, 'must be a date (YYYY-MM-DD) or an ISO date-time between 1900 and 9999');

export const timezoneField = z
  .string()
  .trim()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Makassar');

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC of `timeZone` at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant local midnight starts `day` (YYYY-MM-DD) in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  const first = new Date(guess.getTime() - offsetMinutes(guess, timeZone) * 60_000);
  // A second pass settles days whose offset changes around midnight (DST zones).
  return new Date(guess.getTime() - offsetMinutes(first, timeZone) * 60_000);
}

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export type Period = { from: Date; to: Date; timezone: string };

/**
 * Resolves a period: `from` inclusive, `to` exclusive. A day for `to` means "up to the end of that day".
 * Missing bounds default to the last `defaultDays` days up to now. 422 `invalid_period` when from ≥ to
 * or the period is longer than `maxDays`.
 */
export function resolvePeriod(
  input: { from?: string; to?: string; timezone?: string },
  now: Date,
  options: { defaultDays: number; maxDays?: number },
): Period {
  const timezone = input.timezone ?? DEFAULT_TIMEZONE;
  const to = input.to ? (DAY.test(input.to) ? startOfDay(addDays(input.to, 1), timezone) : new Date(input.to)) : now;
  const from = input.from
    ? DAY.test(input.from)
      ? startOfDay(input.from, timezone)
      : new Date(input.from)
    : startOfDay(addDays(localDay(to, timezone), -(options.defaultDays - 1)), timezone);
  if (from.getTime() >= to.getTime())
    throw new ZantaraError('invalid_period', '"from" must be before "to".', { status: 422 });
  const maxDays = options.maxDays ?? 400;
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) {
    throw new ZantaraError('invalid_period', `The period may be at most ${maxDays} days.`, { status: 422 });
  }
  return { from, to, timezone };
}
