import { styleText } from 'node:util';
import type { CommandIo } from './command.ts';

type Format = Parameters<typeof styleText>[0];

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function stylerFor(io: CommandIo): (format: Format, text: string) => string {
  const on = io.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  return on ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}
