/**
 * MCP resources: the fact files (`zantara://knowledge/<file>.yaml`, the YAML ZANTARA answers from, with `source` and
 * `last_verified` on every fact) and the ingested documents (`zantara://documents/<id>`, their stored passages in
 * order) for principals who may search documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../auth/principal.ts';
import { knowledgeService } from '../knowledge/knowledge-service.ts';
import type { Runtime } from '../runtime/runtime.ts';

const FACT_FILE = /^[a-z0-9][a-z0-9-]*\.yaml$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The handler whose permission also governs reading whole documents. */
const DOCUMENT_SEARCH_KEY = 'rag.search';

function factFiles(runtime: Runtime): { dir: string; files: string[] } {
  const dir = runtime.service(knowledgeService).config.ZANTARA_KNOWLEDGE_DIR;
  return {
    dir,
    files: readdirSync(dir)
      .filter((f) => FACT_FILE.test(f))
      .sort(),
  };
}

function missing(uri: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `Resource not found: ${uri}`);
}

export function registerMcpResources(mcp: McpServer, runtime: Runtime, principal: Principal): void {
  mcp.registerResource(
    'fact-file',
    new ResourceTemplate('zantara://knowledge/{file}', {
      list: () => ({
        resources: factFiles(runtime).files.map((file) => ({
          uri: `zantara://knowledge/${file}`,
          name: file,
          title: `Fact file ${file}`,
          mimeType: 'application/yaml',
          description: 'Bali Zero facts ZANTARA answers from; each fact carries its source and last_verified date.',
        })),
      }),
    }),
    {
      title: 'Fact files',
      description: 'The YAML fact files (prices, visas, KBLI, team, deadlines…)',
      mimeType: 'application/yaml',
    },
    (uri, variables) => {
      const file = String(variables.file);
      const { dir, files } = factFiles(runtime);
      if (!files.includes(file)) throw missing(uri.href);
      return {
        contents: [{ uri: uri.href, mimeType: 'application/yaml', text: readFileSync(join(dir, file), 'utf8') }],
      };
    },
  );

  const handler = runtime.registry.get(DOCUMENT_SEARCH_KEY);
  if (!handler?.roles.includes(principal.role)) return;
  mcp.registerResource(
    'document',
    new ResourceTemplate('zantara://documents/{id}', {
      list: async () => {
        const { rows } = await runtime.store.query<{ id: string; source: string; title: string; format: string }>(
          `SELECT id, source, title, format FROM rag_documents WHERE kind = 'document' ORDER BY source LIMIT 1000`,
        );
        return {
          resources: rows.map((r) => ({
            uri: `zantara://documents/${r.id}`,
            name: r.source,
            title: r.title,
            mimeType: 'text/markdown',
            description: `Ingested document (${r.format}) ${r.source}`,
          })),
        };
      },
    }),
    {
      title: 'Documents',
      description: 'Documents ingested with `zantara kb ingest`, as their stored passages',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const id = String(variables.id);
      if (!UUID.test(id)) throw missing(uri.href);
      const { rows: docs } = await runtime.store.query<{ title: string; source: string }>(
        `SELECT title, source FROM rag_documents WHERE id = $1 AND kind = 'document'`,
        [id],
      );
      if (!docs[0]) throw missing(uri.href);
      const { rows } = await runtime.store.query<{ heading: string; content: string }>(
        'SELECT heading, content FROM rag_chunks WHERE document_id = $1 ORDER BY ordinal',
        [id],
      );
      let last = '';
      const parts = [`# ${docs[0].title}\n\nSource: ${docs[0].source}`];
      for (const r of rows) {
        if (r.heading && r.heading !== last) parts.push(`## ${r.heading}`);
        last = r.heading;
        parts.push(r.content);
      }
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: parts.join('\n\n') }] };
    },
  );
}
