import cliProgress from 'cli-progress';
import type { CommandIo } from './command.ts';

/** A progress display: started with the total, updated with what is done (and an optional detail such as a file). */
export type Progress = { update(done: number, total: number, detail?: string): void; stop(): void };

/**
 * The one progress-bar style of the CLI (`kb ingest`, `kb import-kbli`): `label [bar] done/total unit detail` on a
 * terminal, nothing on a pipe or a file (the command's summary line says what was done).
 */
export function progressBar(io: CommandIo, label: string, unit: string): Progress {
  if (!io.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} {detail}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, detail = '') {
      const shown = detail.length > 50 ? `…${detail.slice(-49)}` : detail;
      if (!started) {
        bar.start(total, done, { detail: shown });
        started = true;
      } else bar.update(done, { detail: shown });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
