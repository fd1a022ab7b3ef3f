/**
 * Child process of the crash test: writes facts and documents to a PGlite data directory as fast as it can and
 * prints each acknowledged (committed) write on stdout, until it is killed.
 * Usage: node src/memory/crash-writer.fixture.ts DATA_DIR
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { createPgliteStore } from '../store/pglite-store.ts';
import { migrate } from '../store/migrate.ts';
import { MemoryFacts } from './memory-facts.ts';
import { RagIndex } from '../rag/rag-index.ts';

const store = await createPgliteStore(process.argv[2]);
await migrate(store);
const memory = new MemoryFacts(store, { maxFacts: 1_000_000 });
const index = new RagIndex(store);
const principal = randomUUID();
await store.query(`INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', 'crash test')`, [principal]);
const ack = (line: string) => writeSync(1, line + '\n');
ack(`principal ${principal}`);
for (let i = 0; ; i++) {
  const saved = await memory.save(principal, {
    content: `Crash fact number ${i}`,
    type: 'note',
    key: i % 5 === 0 ? `k${i}` : undefined,
  });
  ack(`fact ${saved.fact.id}`);
  if (i % 4 === 0) {
    const body = Array.from({ length: 30 }, (_, p) => `Paragraph ${p} of document ${i}: ${'words '.repeat(30)}`).join(
      '\n\n',
    );
    const chunks = await index.writeDocument({
      source: `crash/doc-${i % 7}.md`,
      kind: 'document',
      hash: `h${i}`,
      parsed: { title: `Doc ${i}`, format: 'markdown', sections: [{ headings: ['Body'], body }] },
    });
    ack(`doc crash/doc-${i % 7}.md Doc ${i} ${chunks}`);
  }
}
