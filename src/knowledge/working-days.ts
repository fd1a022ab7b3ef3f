/**
 * Working-day arithmetic for timeline estimates, in Bali time (WITA, UTC+8). Weekends are skipped; public holidays
 * are not known to the fact files, which every estimate says.
 */
const WITA_OFFSET_MS = 8 * 3600_000;

/** The calendar date in Bali for an instant, as YYYY-MM-DD. */
export function baliDate(at: Date): string {
  return new Date(at.getTime() + WITA_OFFSET_MS).toISOString().slice(0, 10);
}

function isWeekend(isoDate: string): boolean {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

function nextDay(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The date `days` working days after `fromIsoDate` (Mon–Fri only).
 * @example addWorkingDays('2026-11-20', 1) // '2026-11-23' (Friday → Monday)
 */
export function addWorkingDays(fromIsoDate: string, days: number): string {
  let date = fromIsoDate;
  let left = days;
  while (left > 0) {
    date = nextDay(date);
    if (!isWeekend(date)) left--;
  }
  return date;
}

/** Working days from `fromIsoDate` (exclusive) to `toIsoDate` (inclusive); 0 when `to` is not after `from`. */
export function workingDaysBetween(fromIsoDate: string, toIsoDate: string): number {
  let count = 0;
  for (let date = nextDay(fromIsoDate); date <= toIsoDate; date = nextDay(date)) if (!isWeekend(date)) count++;
  return count;
}

/** The date `days` calendar days after an instant, in Bali. */
export function addCalendarDays(at: Date, days: number): string {
  return baliDate(new Date(at.getTime() + days * 86_400_000));
}
