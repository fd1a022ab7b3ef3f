import { createHash } from 'node:crypto';
import { z } from 'zod';
import { OUTBOX_STATUSES } from '../../outbox/channel-deliverer.ts';
import type { EnqueueResult } from '../../outbox/outbox.ts';
import type { HandlerContext } from '../handler.ts';

/** What every send handler returns: the truth about the message (queued, sandboxed "would send", duplicate). */
export const sendOutput = z.object({
  outbox_id: z.string().describe('The outbox message id'),
  status: z.enum(OUTBOX_STATUSES).describe('Where the message stands now'),
  channel: z.string().describe('The outbox channel that delivers it'),
  destination: z.string().describe('Who or where it goes'),
  note: z.string().describe('What the status means, in words'),
  duplicate: z.boolean().describe('True when the same idempotency key was already used: no second message'),
});
export type SendResult = z.infer<typeof sendOutput>;

export function sendResult(result: EnqueueResult, destination: string): SendResult {
  return {
    outbox_id: result.id,
    status: result.status,
    channel: result.channel,
    destination,
    note: result.note,
    duplicate: result.duplicate,
  };
}

/**
 * The idempotency key of a send: the caller's own key when given (scoped to the handler), otherwise one derived
 * from the request id and the content, so a retried request (same x-request-id) never sends twice.
 */
export function sendIdempotencyKey(
  ctx: HandlerContext,
  handlerKey: string,
  explicit: string | undefined,
  content: unknown,
): string {
  if (explicit) return `${handlerKey}:${ctx.principal.id}:${explicit}`;
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 24);
  return `${handlerKey}:req:${ctx.requestId}:${digest}`;
}

export const idempotencyKeyDescription =
  'Your own key for this send: the same key never sends twice (e.g. "renewal-reminder-2026-03-client-42")';
