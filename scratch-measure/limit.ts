import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve } from '@hono/node-server';
const app = new Hono();
app.use(bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'payload_too_large' }, 413) }));
app.post('/call', async (c) => c.json({ n: (await c.req.arrayBuffer()).byteLength }));
serve({ fetch: app.fetch, port: 18777, hostname: '127.0.0.1' }, () => console.log('up'));
