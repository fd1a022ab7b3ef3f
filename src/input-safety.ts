/**
 * Text and JSON shapes the store and the prompt cannot take safely: NUL bytes (PostgreSQL refuses them), lone UTF-16
 * surrogates (not valid Unicode) and very deep nesting (a recursive encoder overflows the stack). Callers refuse them
 * (`invalidParams`) or, for third-party text such as a webhook, clean them.
 */
import type { Issue } from './errors.ts';

/** Deepest free-form JSON accepted anywhere (real payloads nest a handful of levels). */
export const MAX_JSON_DEPTH = 32;

// Control characters except tab, newline and carriage return.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Why this one string is refused, or undefined when it is fine. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (!text.isWellFormed()) return 'must be valid Unicode text (no lone surrogates)';
  return undefined;
}

/**
 * The problems of a JSON-like value, walked without recursion: bad text in any string or key, nesting beyond
 * `maxDepth`. Stops after a few issues so a hostile value costs no more than one walk.
 */
export function inputIssues(value: unknown, maxDepth = MAX_JSON_DEPTH): Issue[] {
  const issues: Issue[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length && issues.length < 5) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) issues.push({ path, message: problem });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) {
      issues.push({ path, message: `nested deeper than ${maxDepth} levels` });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) issues.push({ path: childPath, message: `field name ${problem}` });
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return issues;
}

/** Third-party text made storable: NUL and other control characters removed, lone surrogates replaced by U+FFFD. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(CONTROL, '');
}

/** Third-party text made safe to put in a prompt: cleaned, on one line, cut, and quoted as a JSON string. */
export function quoteAsData(text: string, maxLength = 200): string {
  const line = cleanText(text)
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .trim();
  return JSON.stringify(line.length > maxLength ? `${line.slice(0, maxLength)}…` : line);
}

/** Whether a JSON-like value nests deeper than `maxDepth` (walked without recursion). */
export function nestedTooDeep(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** A copy of third-party JSON with every string and key cleaned (`cleanText`); deeper levels than `maxDepth` are cut. */
export function cleanJson(value: unknown, maxDepth = MAX_JSON_DEPTH): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (maxDepth <= 0) return null;
  if (Array.isArray(value)) return value.map((item) => cleanJson(item, maxDepth - 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [cleanText(key), cleanJson(item, maxDepth - 1)]),
  );
}

// Dates the store and Date.toISOString can both hold; anything outside is a mistake or an attack, answered with 400.
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day (YYYY-MM-DD) or an ISO date-time, between 1900 and 9999. */
export function isDateInRange(value: string): boolean {
  if (DAY.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    return (
      !Number.isNaN(day.getTime()) &&
      day.toISOString().slice(0, 10) === value &&
      day.getTime() >= EARLIEST &&
      day.getTime() <= LATEST
    );
  }
  const time = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(time) && time >= EARLIEST && time <= LATEST;
}

export const DATE_RANGE_MESSAGE = 'must be a date between 1900 and 9999';
