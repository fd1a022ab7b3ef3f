// A floor for /call: a Hono server on @hono/node-server that reads a POST body the way ZANTARA does (readBody) and
// answers with as many bytes as /call's answer (FLOOR_BYTES) — no auth, no validation, no logging. What /call could
// reach if all of ZANTARA's own work cost nothing.
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { readBody } from '../src/http/request-body.ts';

const answer = new TextEncoder().encode(`{"ok":true,"data":"${'x'.repeat(Math.max(0, Number(process.env.FLOOR_BYTES ?? 2700) - 22))}"}`);
const app = new Hono();
app.post('/call', async (c) => {
  await readBody(c);
  return c.body(answer, 200, { 'content-type': 'application/json' });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
