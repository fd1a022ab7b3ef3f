import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KNOWLEDGE_DIR, KnowledgeError, loadKnowledge } from './load-knowledge.ts';
import { Knowledge, knowledgeEnv } from './knowledge-service.ts';
import { KNOWLEDGE_FILES } from './schemas.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the real knowledge directory with one file changed. */
function brokenCopy(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zantara-kb-'));
  dirs.push(dir);
  cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

function problemsOf(dir: string) {
  try {
    loadKnowledge(dir);
  } catch (error) {
    assert.ok(error instanceof KnowledgeError, String(error));
    return error.problems;
  }
  assert.fail('expected the knowledge files to be rejected');
}

describe('knowledge loader', () => {
  it('loads and validates the shipped fact files', () => {
    const data = loadKnowledge();
    // Other areas may keep their own files here (e.g. tax-deadlines.yaml); ours must all be present.
    const present = new Set(readdirSync(DEFAULT_KNOWLEDGE_DIR));
    for (const file of Object.keys(KNOWLEDGE_FILES)) assert.ok(present.has(file), file);
    assert.ok(data.items.length > 0 && data.visas.length > 0 && data.kbli.codes.length > 0);
    for (const item of data.items) {
      assert.ok(item.source && /^\d{4}-\d{2}-\d{2}$/.test(item.last_verified), item.id);
      for (const v of item.variants) assert.ok(Number.isInteger(v.amount) && v.amount > 0, item.id);
    }
  });

  it('ships no euro prices anywhere', () => {
    for (const file of Object.keys(KNOWLEDGE_FILES)) {
      const text = readFileSync(join(DEFAULT_KNOWLEDGE_DIR, file), 'utf8')
        .split('\n')
        .filter((l) => !l.trim().startsWith('#'))
        .join('\n');
      assert.ok(!text.includes('€') && !/\bEUR\b/i.test(text), file);
    }
  });

  it('reports a wrong price type with file, path and message', () => {
    const dir = brokenCopy('prices.yaml', (t) => t.replace('amount: 2300000', "amount: '2,300,000'"));
    const problems = problemsOf(dir);
    assert.equal(problems[0].file, 'prices.yaml');
    assert.match(problems[0].path, /^items\.\d+\.variants\.\d+\.amount$/);
    assert.match(problems[0].message, /number/);
  });

  it('reports a comma inside a YAML flow list that splits one document in two (the visas.yaml E23 bug)', () => {
    const dir = brokenCopy('visas.yaml', (t) =>
      t.replace("'Sponsor company documents (NIB, deed)'", 'Sponsor company documents (NIB, deed)'),
    );
    const problems = problemsOf(dir);
    assert.ok(
      problems.some(
        (p) => p.file === 'visas.yaml' && /unbalanced parentheses/.test(p.message) && /documents\.\d+$/.test(p.path),
      ),
      JSON.stringify(problems),
    );
    const e23 = loadKnowledge().visas.find((v) => v.code === 'E23')!;
    assert.ok(e23.documents.includes('Sponsor company documents (NIB, deed)'), e23.documents.join(' | '));
  });

  it('every shipped topic answers in English, Italian and Indonesian with a source and last_verified', () => {
    const { topics } = loadKnowledge();
    for (const id of [
      'visa-on-arrival',
      'visa-exemption',
      'kitas-vs-kitap',
      'overstay',
      'pt-pma-minimum-investment',
      'bpjs',
      'family-dependents',
    ]) {
      const topic = topics.find((t) => t.id === id);
      assert.ok(topic, id);
      for (const language of ['en', 'it', 'id'] as const)
        assert.ok(topic.answer[language].length > 40 && topic.match[language].length > 0, `${id} ${language}`);
      assert.ok(topic.source && topic.last_verified, id);
    }
  });

  it('reports a package that points at a missing price item', () => {
    const dir = brokenCopy('packages.yaml', (t) => t.replace('{ item: npwpd-company }', '{ item: npwpd-compnay }'));
    const problems = problemsOf(dir);
    assert.ok(
      problems.some((p) => p.file === 'packages.yaml' && /unknown price item "npwpd-compnay"/.test(p.message)),
      JSON.stringify(problems),
    );
  });

  it('reports an entry without last_verified, a YAML syntax error and a missing file', () => {
    const noDate = brokenCopy('warnings.yaml', (t) => t.replace(/\n {4}last_verified: '2025-01-01'/, ''));
    assert.ok(problemsOf(noDate).some((p) => p.file === 'warnings.yaml' && p.path.endsWith('last_verified')));
    const syntax = brokenCopy('team.yaml', (t) => `${t}\n  - { id: broken, name: [unclosed\n`);
    assert.match(problemsOf(syntax)[0].message, /YAML syntax/);
    const missing = brokenCopy('kbli.yaml', (t) => t);
    unlinkSync(join(missing, 'kbli.yaml'));
    assert.deepEqual(problemsOf(missing), [{ file: 'kbli.yaml', path: '', message: 'file is missing' }]);
  });

  it('the knowledge service fails at creation with the same clear error', () => {
    const dir = brokenCopy('prices.yaml', (t) => t.replace('category: tax', 'category: taxes'));
    assert.throws(
      () => new Knowledge(knowledgeEnv.parse({ ZANTARA_KNOWLEDGE_DIR: dir })),
      (error: unknown) => error instanceof KnowledgeError && /prices\.yaml at items\.\d+\.category/.test(error.message),
    );
  });
});
