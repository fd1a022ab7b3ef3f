// Fresh migrated PGlite (what every test file paid before) vs a clone of the template (now), alternating.
import { createPgliteStore } from '../src/store/pglite-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { createTestPglite, pgliteTemplate } from '../src/testing/test-stores.ts';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
let t = performance.now();
const path = await pgliteTemplate();
console.log(`template ${path} ${(statSync(path).size / 1048576).toFixed(1)} MiB, ready in ${(performance.now() - t).toFixed(0)} ms`);
const fresh: number[] = [];
const clone: number[] = [];
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const a = await createPgliteStore(); await migrate(a); fresh.push(performance.now() - t); await a.close();
  t = performance.now();
  const b = await createTestPglite(); clone.push(performance.now() - t); await b.close();
  console.log(`round ${i + 1}: fresh ${fresh.at(-1)!.toFixed(0)} ms, clone ${clone.at(-1)!.toFixed(0)} ms, load ${loadavg()[0].toFixed(1)}`);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
console.log(`median fresh ${med(fresh).toFixed(0)} ms, clone ${med(clone).toFixed(0)} ms, ratio ${(med(clone) / med(fresh)).toFixed(2)}`);
