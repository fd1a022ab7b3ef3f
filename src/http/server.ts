import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { ZantaraError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { createApp } from './app.ts';

/** Starts the HTTP server; port 0 picks a free port (tests). Resolves once it is listening. */
export function startServer(
  runtime: Runtime,
  options: { port: number; hostname?: string },
): Promise<{ url: string; server: ServerType; close(): Promise<void> }> {
  const app = createApp(runtime);
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.hostname ?? '0.0.0.0' },
      (info: AddressInfo) => {
        const host = options.hostname && options.hostname !== '0.0.0.0' ? options.hostname : '127.0.0.1';
        resolve({
          url: `http://${host}:${info.port}`,
          server,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options)));
  });
}

const LISTEN_HINTS: Record<string, string> = {
  EADDRINUSE: 'another process is listening there; stop it or choose another PORT',
  EACCES: 'ports below 1024 need privileges; choose a PORT of 1024 or above',
  EADDRNOTAVAIL: 'HOST is not an address of this machine',
  ENOTFOUND: 'HOST is neither an IP address nor a name this machine can resolve',
  EAI_AGAIN: 'HOST could not be resolved',
};

/** A listen failure as one line naming the address, the cause's code and what to do. */
function listenError(error: NodeJS.ErrnoException, options: { port: number; hostname?: string }): Error {
  const hint = error.code ? LISTEN_HINTS[error.code] : undefined;
  if (!hint) return error;
  return new ZantaraError(
    'listen_failed',
    `Cannot listen on ${options.hostname ?? '0.0.0.0'}:${options.port}: ${error.code} (${hint}).`,
    { status: 500, expose: true, cause: error },
  );
}
