import { pino, type Logger } from 'pino';

/** One request, as its access line records it. */
export type AccessEntry = { requestId: string; method: string; route: string; status: number; ms: number; principal?: string };

type PinoInternals = Record<symbol, unknown>;

/**
 * Writes the per-request access line — exactly the line `logger.info(entry, 'request')` writes (same level, time,
 * pid, hostname and bindings, same field order), checked against pino in `access-log.test.ts` — into the logger's own
 * destination, with the JSON put together here. Its fields are fixed and carry no secret, so it needs none of pino's
 * per-call work (redaction, serializers, the generic walk over the object), which cost more than the rest of a
 * /call's logging. Follows the logger's level; relies on createLogger's defaults (epoch `time`, `msg`, no formatters).
 */
export function accessLogger(logger: Logger): (entry: AccessEntry) => void {
  const internals = logger as unknown as PinoInternals;
  const stream = internals[pino.symbols.streamSym] as { write(line: string): void };
  const level = logger.levels.values.info;
  return (entry) => {
    if (!logger.isLevelEnabled('info')) return;
    const bindings = internals[pino.symbols.chindingsSym] as string; // ',"pid":…,"hostname":"…"' and child bindings
    stream.write(`{"level":${level},"time":${Date.now()}${bindings},"requestId":${JSON.stringify(entry.requestId)},"method":${JSON.stringify(entry.method)},`
      + `"route":${JSON.stringify(entry.route)},"status":${entry.status},"ms":${entry.ms}`
      + `${entry.principal === undefined ? '' : `,"principal":${JSON.stringify(entry.principal)}`},"msg":"request"}\n`);
  };
}
