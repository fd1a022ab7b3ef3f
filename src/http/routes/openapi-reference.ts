import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';

/** The Swagger UI files served from the installed swagger-ui-dist package (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

// Scripts only from this origin and no inline script; Swagger UI sets inline styles and draws data: images.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>ZANTARA API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="stylesheet" href="/docs/page.css">
</head>
<body>
  <form id="key-form" class="key-form" autocomplete="off">
    <label for="api-key">API key</label>
    <input id="api-key" type="password" placeholder="zk_… (kept in this page only)" spellcheck="false">
    <button type="submit">Show what my key may call</button>
    <span id="key-status" role="status"></span>
  </form>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const PAGE_CSS = `.key-form { display: flex; gap: .5rem; align-items: center; padding: .75rem 1.25rem;
  font-family: sans-serif; border-bottom: 1px solid #ddd; } .key-form input { flex: 0 1 28rem; padding: .35rem; }`;

// Loads the public document, and on demand the document of the typed key's role; the key also signs "Try it out".
const INIT_JS = `(() => {
  let key = '';
  const ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
    requestInterceptor: (request) => { if (key) request.headers['x-api-key'] = key; return request; } });
  const status = document.getElementById('key-status');
  document.getElementById('key-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    key = document.getElementById('api-key').value.trim();
    const response = await fetch('/openapi.json', { headers: key ? { 'x-api-key': key } : {} });
    if (!response.ok) { status.textContent = 'That key was refused (' + response.status + ').'; return; }
    ui.specActions.updateSpec(await response.text());
    status.textContent = key ? 'Showing what this key may call.' : 'Showing the public surface.';
  });
})();
`;

function securityHeaders(type: string): Record<string, string> {
  return {
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=3600',
  };
}

/** GET /docs: the browsable API reference (Swagger UI from swagger-ui-dist, CSP without inline scripts). */
export function apiReferenceRoutes(app: Hono<AppEnv>, _runtime: Runtime): void {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const loaded = new Map<string, string>();
  app.get('/docs', (c) =>
    c.body(PAGE, 200, { ...securityHeaders('text/html; charset=utf-8'), 'cache-control': 'no-cache' }),
  );
  app.get('/docs/init.js', (c) => c.body(INIT_JS, 200, securityHeaders('text/javascript; charset=utf-8')));
  app.get('/docs/page.css', (c) => c.body(PAGE_CSS, 200, securityHeaders('text/css; charset=utf-8')));
  app.get('/docs/:asset{swagger-ui\\.css|swagger-ui-bundle\\.js}', (c) => {
    const name = c.req.param('asset');
    let text = loaded.get(name);
    if (text === undefined) loaded.set(name, (text = readFileSync(join(dir, name), 'utf8')));
    return c.body(text, 200, securityHeaders(ASSETS[name]));
  });
}
