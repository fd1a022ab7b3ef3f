/**
 * The layer rules of docs/architecture.md, enforced: `npm run lint:deps` fails on an import cycle (type-only
 * imports included) or on an import that points up the layers. Top to bottom:
 *   composition root  src/main.ts, src/composition/, the CLI's entry (src/cli/main.ts, src/cli/cli-runtime.ts)
 *   entry points      src/http/, src/cli/, src/mcp/, src/web/
 *   orchestrator      src/orchestrator/
 *   handlers          src/handlers/
 *   services          knowledge, kbli, memory, rag, outbox, integrations, intelligence, analytics, identity, leads,
 *                     team, realtime, channels, providers
 *   kernel            src/runtime/ (Runtime, defineService/definePort, Clock, PollLoop, the chat turn contract)
 *   foundation        store, telemetry, config, rate-limit, auth (Principal), text, errors.ts, input-safety.ts,
 *                     version.ts
 * Tests (*.test.ts), child-process fixtures (*.fixture.ts) and src/testing/ may import any layer; nothing else may
 * import src/testing/.
 */
const ENTRY = '^src/(http|cli|mcp|web)/';
const ORCHESTRATOR = '^src/orchestrator/';
const HANDLERS = '^src/handlers/';
const SERVICES = `^src/(${[
  'knowledge',
  'kbli',
  'memory',
  'rag',
  'outbox',
  'integrations',
  'intelligence',
  'analytics',
  'identity',
  'leads',
  'team',
  'realtime',
  'channels',
  'providers',
].join('|')})/`;
const KERNEL = '^src/runtime/';
const FOUNDATION = '^src/((store|telemetry|config|rate-limit|auth|text)/|(errors|input-safety|version)\\.ts$)';
const COMPOSITION = '^src/(main\\.ts$|composition/)';
const CLI_ROOT = '^src/cli/(main|cli-runtime)\\.ts$';

/** One rule per layer: nothing in `from` may import anything in `to`. */
const upward = (name, from, to) => ({
  name,
  severity: 'error',
  comment: `${name}: imports point down the layers only (docs/architecture.md).`,
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count): break it by moving the shared piece down a layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      // Folder rules need the folder metrics: lint:deps runs depcruise with --metrics.
      comment: 'A cycle between folders (each file may be fine): the folders no longer form layers.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    { ...upward('entry-up', ENTRY, COMPOSITION), from: { path: ENTRY, pathNot: CLI_ROOT } },
    upward('orchestrator-up', ORCHESTRATOR, [ENTRY, COMPOSITION]),
    upward('handlers-up', HANDLERS, [ORCHESTRATOR, ENTRY, COMPOSITION]),
    upward('services-up', SERVICES, [HANDLERS, ORCHESTRATOR, ENTRY, COMPOSITION]),
    upward('kernel-up', KERNEL, [SERVICES, HANDLERS, ORCHESTRATOR, ENTRY, COMPOSITION]),
    upward('foundation-up', FOUNDATION, [KERNEL, SERVICES, HANDLERS, ORCHESTRATOR, ENTRY, COMPOSITION]),
    {
      name: 'composition-only-from-roots',
      severity: 'error',
      comment: 'Only the composition roots (src/main.ts, the CLI entry, src/testing/) may import src/composition/.',
      from: { path: '^src/', pathNot: [COMPOSITION, CLI_ROOT, '^src/testing/'] },
      to: { path: '^src/composition/' },
    },
    {
      name: 'testing-only-from-tests',
      severity: 'error',
      comment: 'src/testing/ is test support: production code never imports it.',
      from: { path: '^src/', pathNot: '^src/testing/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'every-file-has-a-layer',
      severity: 'error',
      comment: 'A new src/ folder must be given a layer in .dependency-cruiser.cjs (and docs/architecture.md).',
      from: {
        path: '^src/',
        pathNot: [ENTRY, ORCHESTRATOR, HANDLERS, SERVICES, KERNEL, FOUNDATION, COMPOSITION, '^src/testing/'],
      },
      to: {},
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API yet (dependency-cruiser's tsc parser needs one); swc keeps type-only imports.
    parser: 'swc',
    exclude: { path: '\\.(test|fixture)\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
