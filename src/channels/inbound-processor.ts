import { randomUUID } from 'node:crypto';
import { ensureClientForContact } from '../identity/client-contacts.ts';
import { chatTurnPort, type ChatTurnRunner } from '../runtime/chat-turn.ts';
import { detectLanguage } from '../text/language.ts';
import { outboxService } from '../outbox/outbox.ts';
import { eventBusService } from '../realtime/event-bus.ts';
import type { BackgroundTask } from '../runtime/background.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { channelsConfig, type ChannelsConfig } from './channels-config.ts';
import { inboundQueueService, type InboundQueue, type InboundRow } from './inbound-queue.ts';
import { PollLoop } from '../runtime/poll-loop.ts';

/** Runs one chat turn for a principal; the orchestrator's `runChatTurn` (through `chatTurnPort`) by default. */
export type TurnRunner = ChatTurnRunner;

/** Longest text one message may carry on each channel; longer replies are split. */
const MAX_REPLY_CHARS = { whatsapp: 4096, instagram: 1000 } as const;

/** The turn runner the composition root provided. When there is none, inbound messages wait for staff instead of failing. */
export const defaultTurnRunner: TurnRunner = async (runtime, principal, request) => {
  let run: ChatTurnRunner;
  try {
    run = runtime.service(chatTurnPort);
  } catch (error) {
    throw new TurnUnavailableError(`The chat turn runner is not available: ${(error as Error).message}`);
  }
  return run(runtime, principal, request);
};

export class TurnUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TurnUnavailableError';
  }
}

/**
 * Turns queued inbound messages into chat turns: the sender becomes (or is found as) a client principal, the turn
 * runs as that principal, and the reply either goes out through the outbox (auto-reply on, no pending actions)
 * or waits for staff as a draft. A reply's outbox idempotency key is derived from the inbound id, so a message
 * processed twice after a crash is answered once.
 */
export class InboundProcessor {
  readonly id = `inbound:${randomUUID().slice(0, 8)}`;
  readonly #runtime: Runtime;
  readonly #queue: InboundQueue;
  readonly #runTurn: TurnRunner;
  readonly config: ChannelsConfig;
  #loop?: PollLoop;

  constructor(runtime: Runtime, options: { runTurn?: TurnRunner } = {}) {
    this.#runtime = runtime;
    this.#queue = runtime.service(inboundQueueService);
    this.#runTurn = options.runTurn ?? defaultTurnRunner;
    this.config = channelsConfig(runtime.env);
  }

  /** Processes batches until nothing is due; returns how many messages were handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.#queue.claim(this.id, this.config.ZANTARA_INBOUND_LEASE_MS);
      if (!rows.length) return total;
      // In order of arrival, one at a time: a client's messages must reach the conversation in sequence.
      for (const row of rows) await this.process(row);
      total += rows.length;
    }
  }

  async process(row: InboundRow): Promise<void> {
    const log = this.#runtime.logger;
    const bus = this.#runtime.service(eventBusService);
    try {
      const principal = await ensureClientForContact(
        this.#runtime.store,
        row.channel,
        row.sender,
        row.sender_name ?? undefined,
      );
      const language = detectLanguage(row.text);
      await this.#queue.update(row.id, { principal_id: principal.id, language });
      const turn = await this.#runTurn(this.#runtime, principal, { message: row.text, channel: row.channel });
      const pending = turn.pending_actions ?? [];
      const autoReply = this.config.ZANTARA_AUTO_REPLY && pending.length === 0 && turn.response.trim().length > 0;
      let replyOutboxIds: string[] = [];
      if (autoReply) replyOutboxIds = await enqueueReply(this.#runtime, row, turn.response, principal.id);
      const updated = await this.#queue.update(row.id, {
        status: autoReply ? 'done' : 'waiting',
        conversation_id: turn.conversation_id,
        turn_id: turn.turn_id,
        draft_reply: autoReply ? null : turn.response,
        reply_outbox_id: replyOutboxIds[0] ?? null,
        pending_action_ids: pending.map((p) => p.id),
        processed_at: this.#runtime.clock.now(),
        lease_until: null,
      });
      bus.publish('inbound.processed', {
        id: row.id,
        channel: row.channel,
        sender: row.sender,
        principal_id: principal.id,
        status: updated?.status,
        conversation_id: turn.conversation_id,
        reply_outbox_ids: replyOutboxIds,
        draft_reply: autoReply ? null : turn.response,
        pending_actions: pending.map((p) => ({ id: p.id, key: p.key, summary: p.summary })),
        reason: autoReply
          ? 'auto-replied'
          : pending.length
            ? 'the turn proposed actions that need staff approval'
            : this.config.ZANTARA_AUTO_REPLY
              ? 'empty reply'
              : 'auto-reply is off (ZANTARA_AUTO_REPLY)',
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unavailable = error instanceof TurnUnavailableError;
      const exhausted = row.attempts >= this.config.ZANTARA_INBOUND_MAX_ATTEMPTS;
      const status = unavailable ? 'waiting' : exhausted ? 'failed' : 'queued';
      const delay = Math.min(10 * 60_000, 2000 * 2 ** (row.attempts - 1));
      log.warn({ id: row.id, err: message, status }, 'inbound message processing failed');
      await this.#queue.update(row.id, {
        status,
        error: message.slice(0, 1000),
        lease_until: null,
        next_attempt_at: new Date(this.#runtime.clock.now().getTime() + delay),
      });
      if (status !== 'queued')
        bus.publish('inbound.processed', {
          id: row.id,
          channel: row.channel,
          sender: row.sender,
          status,
          reason: message,
        });
    }
  }

  start(): void {
    this.#loop ??= new PollLoop({
      name: 'inbound processor',
      drain: () => this.drain(),
      pollMs: this.config.ZANTARA_INBOUND_POLL_MS,
      onWake: (wake) => this.#queue.onWake(wake),
      logger: this.#runtime.logger,
    });
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
  }
}

/**
 * Queues `text` as a reply to an inbound message on its channel, split to the channel's length limit.
 * Keys derive from the inbound id, so the same reply is never queued twice.
 */
export async function enqueueReply(
  runtime: Runtime,
  row: Pick<InboundRow, 'id' | 'channel' | 'sender'>,
  text: string,
  createdBy: string | null,
  keyPrefix = 'inbound-reply',
): Promise<string[]> {
  const outbox = runtime.service(outboxService);
  const ids: string[] = [];
  for (const [i, part] of splitMessage(text, MAX_REPLY_CHARS[row.channel]).entries()) {
    const payload = row.channel === 'whatsapp' ? { type: 'text', text: part } : { text: part };
    const result = await outbox.enqueue({
      channel: row.channel,
      destination: row.sender,
      payload,
      createdBy,
      idempotencyKey: `${keyPrefix}:${row.id}:${i}`,
    });
    ids.push(result.id);
  }
  return ids;
}

/** Splits a text at paragraph, line or word boundaries into parts of at most `max` characters. */
export function splitMessage(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'));
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** The server's inbound processor: starts with the process, stops at close. */
export const inboundProcessorTask: BackgroundTask = {
  name: 'inbound-processor',
  start(runtime) {
    const processor = new InboundProcessor(runtime);
    processor.start();
    runtime.onClose(() => processor.stop());
  },
};
