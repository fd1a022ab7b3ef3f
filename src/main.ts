/**
 * `npm start`: opens the store (PGlite in ./data, or PostgreSQL via DATABASE_URL), makes sure an admin key
 * exists, and serves the HTTP API on PORT (default 8080).
 */
// First: an older Node that can run TypeScript stops here with one line naming the Node it needs.
import '../bin/require-node.js';
import { z } from 'zod';
import { bootstrapAdmin, saveAdminKey } from './identity/bootstrap-admin.ts';
import { cleanEnv, parseEnv } from './config/env.ts';
import { ZantaraError } from './errors.ts';
import { startServer } from './http/server.ts';
import { createZantara } from './composition/zantara.ts';
import { backgroundTasks } from './composition/background-tasks.ts';
import { loadOrchestratorConfig } from './orchestrator/config.ts';
import { startBackgroundTasks } from './runtime/background.ts';

const serverEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
});

async function main(): Promise<void> {
  const env = cleanEnv(process.env);
  const { PORT, HOST } = parseEnv(serverEnv, env);
  // A missing or broken ZANTARA_CONFIG, or a route naming a provider without credentials, stops the start.
  loadOrchestratorConfig(env);
  const runtime = await createZantara({ env });
  const admin = await bootstrapAdmin(runtime);
  // Saved at once, so a start that fails later does not lose the only copy of the key.
  const keyFile = admin.createdKey ? saveAdminKey(env, admin.createdKey) : undefined;
  await startBackgroundTasks(runtime, backgroundTasks);
  const server = await startServer(runtime, { port: PORT, hostname: HOST });
  if (admin.createdKey) {
    // The key goes to stderr (and the owner-only file), never into the JSON log stream on stdout; stderr is written first.
    process.stderr.write(
      `\nFirst start: an admin API key was created. It is shown only this once, and saved in ${keyFile}` +
        ` (readable only by you; delete it once the key is stored safely):\n\n  ${admin.createdKey}\n\n` +
        `Try: curl -s ${server.url}/call -H 'x-api-key: <key>' -H 'content-type: application/json' -d '{"key":"system.handlers.list"}'\n\n`,
    );
  }
  process.stdout.write(`ZANTARA is listening on ${server.url} (store: ${runtime.store.kind})\n`);
  const shutdown = async (signal: string) => {
    runtime.logger.info({ signal }, 'shutting down');
    await server.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // A start-up mistake is one line (several problems of one kind joined with "; "); only a bug shows its stack.
  if (ZantaraError.isInstance(error))
    console.error(`zantara: ${error.message.replace(/:\n\s*/, ': ').replace(/\n\s*/g, '; ')}`);
  else console.error(error);
  process.exit(1);
});
