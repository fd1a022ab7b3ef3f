import { Hono } from 'hono';
import { serve } from '@hono/node-server';
const mode = process.env.MODE ?? 'hello';
const big = JSON.stringify({ ok: true, data: { text: 'x'.repeat(2700) } });
const bigBytes = new TextEncoder().encode(big);
const app = new Hono();
app.get('/', (c) => mode === 'hello' ? c.text('Hello World!') : mode === 'bigstr' ? c.body(big, 200, { 'content-type': 'application/json' }) : c.body(bigBytes, 200, { 'content-type': 'application/json' }));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
