/**
 * `zantara chat`: talk to ZANTARA from a terminal — against a running server (`--url`, `--key`; answers stream
 * token by token over SSE) or in-process on the local store. One-shot with `--message`, otherwise interactive with
 * the commands in CHAT_HELP.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { apiKeysService } from '../../identity/api-keys.ts';
import { SYSTEM_PRINCIPAL, type Principal } from '../../auth/principal.ts';
import { ZantaraError } from '../../errors.ts';
import { approvalsService } from '../../orchestrator/approvals.ts';
import type { ChatTurnResult } from '../../runtime/chat-turn.ts';
import type { ChatEvent } from '../../orchestrator/orchestrator.ts';
import { runChatTurn } from '../../orchestrator/run-chat-turn.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { cliFetch } from '../cli-fetch.ts';
import { str, type Command, type CommandIo } from '../command.ts';
import { withCliRuntime } from '../cli-runtime.ts';

/** One way to talk to ZANTARA: over HTTP or in-process. */
type ChatClient = {
  send(message: string, conversationId: string | undefined, onToken: (text: string) => void): Promise<ChatTurnResult>;
  decide(id: string, decision: 'approve' | 'reject'): Promise<{ status: string; result?: unknown }>;
};

function httpClient(url: string, key: string): ChatClient {
  const base = url.replace(/\/+$/, '');
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  return {
    async send(message, conversationId, onToken) {
      const res = await cliFetch(`${base}/v1/chat`, {
        method: 'POST',
        headers: { ...headers, accept: 'text/event-stream' },
        body: JSON.stringify({ message, ...(conversationId ? { conversation_id: conversationId } : {}) }),
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        throw new ZantaraError('chat_failed', `${res.status}: ${body.message ?? res.statusText}`, {
          status: res.status,
          expose: true,
        });
      }
      let buffer = '';
      let result: ChatTurnResult | undefined;
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = block.match(/^event: (.*)$/m)?.[1];
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!event || !data) continue;
          const parsed = JSON.parse(data) as Record<string, unknown>;
          if (event === 'token') onToken(String(parsed.text));
          else if (event === 'done') result = parsed as unknown as ChatTurnResult;
          else if (event === 'error')
            throw new ZantaraError(String(parsed.error), String(parsed.message), { status: 502, expose: true });
        }
      }
      if (!result)
        throw new ZantaraError('chat_failed', 'The server closed the stream without an answer.', {
          status: 502,
          expose: true,
        });
      return result;
    },
    async decide(id, decision) {
      const res = await cliFetch(`${base}/v1/actions/${encodeURIComponent(id)}/${decision}`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      const body = (await res.json()) as { action?: { status: string; result?: unknown }; message?: string };
      if (!res.ok || !body.action)
        throw new ZantaraError('action_failed', `${res.status}: ${body.message ?? 'failed'}`, {
          status: res.status,
          expose: true,
        });
      return body.action;
    },
  };
}

function localClient(runtime: Runtime, principal: Principal): ChatClient {
  return {
    async send(message, conversationId, onToken) {
      return runChatTurn(
        runtime,
        principal,
        { message, conversation_id: conversationId, channel: 'cli' },
        {
          onEvent: (event: ChatEvent) => {
            if (event.type === 'token') onToken(event.text);
          },
        },
      );
    },
    async decide(id, decision) {
      const approvals = runtime.service(approvalsService);
      const action =
        decision === 'approve' ? await approvals.approve(principal, id) : await approvals.reject(principal, id);
      return { status: action.status, result: action.result };
    },
  };
}

/** What `/help` prints inside a chat. */
export const CHAT_HELP = `Inside the chat:
  /approve ID   run an action ZANTARA proposed (its id is in the ⏳ line)
  /reject ID    refuse it
  /new          start a new conversation
  /help         this list
  /quit         leave (also Ctrl-D)
Anything else is a message to ZANTARA.
`;

function footer(result: ChatTurnResult): string {
  const pending = result.pending_actions
    .map((p) => `\n  ⏳ pending ${p.id}: ${p.summary}\n     /approve ${p.id}   or   /reject ${p.id}`)
    .join('');
  const used = result.handlers_used.length ? ` · handlers ${result.handlers_used.join(', ')}` : '';
  return `${pending}\n  [${result.model} via ${result.provider} · ${result.route}${used} · $${result.cost_usd.toFixed(6)} · ${result.latency_ms} ms]\n`;
}

async function converse(
  client: ChatClient,
  io: CommandIo,
  options: { message?: string; conversation?: string },
): Promise<number> {
  let conversationId = options.conversation;
  const turn = async (message: string) => {
    let prompted = false;
    const prompt = () => {
      if (!prompted) {
        prompted = true;
        io.out('zantara> ');
      }
    };
    const result = await client.send(message, conversationId, (text) => {
      prompt();
      io.out(text);
    });
    prompt();
    conversationId = result.conversation_id;
    io.out(`\n${footer(result)}`);
  };
  if (options.message) {
    await turn(options.message);
    io.out(`  conversation ${conversationId}\n`);
    return 0;
  }
  const output = new Writable({
    write(chunk, _encoding, done) {
      io.out(String(chunk));
      done();
    },
  });
  const rl = createInterface({ input: io.input ?? process.stdin, output, terminal: io.isTTY });
  io.out('ZANTARA chat — type a message; /help lists the commands.\n');
  rl.setPrompt('you> ');
  try {
    // The line iterator keeps lines that arrive while a turn runs (a pasted or piped script loses none).
    rl.prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/quit' || line === '/exit') break;
      const decision = line.match(/^\/(approve|reject)\s+(\S+)$/);
      if (!line) {
        /* nothing to do */
      } else if (line === '/new') {
        conversationId = undefined;
        io.out('(new conversation)\n');
      } else if (line === '/help' || line === '/?') io.out(CHAT_HELP);
      else if (!decision && line.startsWith('/'))
        io.err(`  ! unknown command ${line.split(/\s/)[0]}; /help lists them\n`);
      else {
        try {
          if (decision) {
            const action = await client.decide(decision[2], decision[1] as 'approve' | 'reject');
            io.out(
              `  action ${decision[2]}: ${action.status}${action.result ? ` ${JSON.stringify(action.result)}` : ''}\n`,
            );
          } else await turn(line);
        } catch (error) {
          io.err(
            `  ! ${ZantaraError.isInstance(error) && error.expose ? error.message : String((error as Error).message ?? error)}\n`,
          );
        }
      }
      rl.prompt();
    }
  } finally {
    rl.close();
  }
  return 0;
}

export const chatCommand: Command = {
  name: 'chat',
  summary: 'Chat with ZANTARA (a running server, or in-process on the local store)',
  options: {
    url: { type: 'string', value: 'URL', description: 'A running server (or ZANTARA_URL); without it, in-process' },
    key: { type: 'string', value: 'KEY', description: 'Your API key (or ZANTARA_API_KEY); required with --url' },
    message: { type: 'string', short: 'm', value: 'TEXT', description: 'Send one message and exit' },
    conversation: { type: 'string', value: 'ID', description: 'Continue this conversation' },
  },
  async run({ values: options }, io) {
    const url = str(options.url) ?? io.env.ZANTARA_URL;
    const key = str(options.key) ?? io.env.ZANTARA_API_KEY;
    const conversation = str(options.conversation);
    const message = str(options.message);
    if (url) {
      if (!key) throw new ZantaraError('usage', '--key KEY (or ZANTARA_API_KEY) is required with --url');
      return converse(httpClient(url, key), io, { message, conversation });
    }
    return withCliRuntime(io.env, async (runtime) => {
      let principal: Principal = { ...SYSTEM_PRINCIPAL, name: 'cli' };
      if (key) {
        const verified = await runtime.service(apiKeysService).verify(key);
        if (!verified) throw new ZantaraError('usage', 'The --key is unknown or revoked.');
        principal = verified;
      }
      return converse(localClient(runtime, principal), io, { message, conversation });
    });
  },
};
