// Loaded with `node --import` into the soak's server when SOAK_MEMORY_PROBE names a file: appends the process's memory
// figures (RSS, V8 heap, external and ArrayBuffer memory) to it every two seconds, to tell JS heap growth from native.
import { appendFileSync } from 'node:fs';

const file = process.env.SOAK_MEMORY_PROBE;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (x: number) => Math.round(x / 1048576);
    appendFileSync(
      file,
      `${JSON.stringify({
        t: Math.round(performance.now() / 1000),
        rss: mb(m.rss),
        heapUsed: mb(m.heapUsed),
        heapTotal: mb(m.heapTotal),
        external: mb(m.external),
        arrayBuffers: mb(m.arrayBuffers),
      })}\n`,
    );
  }, 2000).unref();
}
