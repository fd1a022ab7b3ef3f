/**
 * The web app's files: pages, scripts and styles from `src/web/public`, and the browser builds of marked,
 * DOMPurify, eventsource-parser and uPlot from node_modules. Read once at first request and kept gzipped in
 * memory (no build step).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export type Asset = { type: string; body: Buffer; gzip: Buffer; etag: string };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

const publicDir = join(import.meta.dirname, 'public');
const resolved = (specifier: string) => fileURLToPath(import.meta.resolve(specifier));

/** URL path → file. Vendor files keep their upstream names so a reader can find them. */
function assetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (TYPES[extname(entry.name)] && !entry.name.endsWith('.test.ts'))
        files.set(`/assets/${prefix}${entry.name}`, join(dir, entry.name));
    }
  };
  walk(publicDir, '');
  files.set('/vendor/marked.esm.js', resolved('marked'));
  files.set('/vendor/purify.es.mjs', resolved('dompurify'));
  files.set('/vendor/eventsource-parser.js', resolved('eventsource-parser'));
  const uplotDir = dirname(resolved('uplot'));
  files.set('/vendor/uPlot.esm.js', join(uplotDir, 'uPlot.esm.js'));
  files.set('/vendor/uPlot.min.css', join(uplotDir, 'uPlot.min.css'));
  return files;
}

let cache: Map<string, Asset> | undefined;

/** Every asset, loaded on first use. */
export function assets(): Map<string, Asset> {
  if (cache) return cache;
  const loaded = new Map<string, Asset>();
  for (const [path, file] of assetFiles()) {
    // Upstream source-map comments would make the browser ask for files that are not served.
    let body = readFileSync(file);
    if (/\.m?js$/.test(file))
      body = Buffer.from(body.toString('utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    loaded.set(path, {
      type: TYPES[extname(file)],
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  cache = loaded;
  return loaded;
}
