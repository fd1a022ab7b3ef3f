import { createHash } from 'node:crypto';
import type { EnqueueResult } from '../../outbox/outbox.ts';
import type { HandlerContext } from '../handler.ts';

/** What every send handler returns: the truth about the message (queued, sandboxed "would send", duplicate). */
export type SendResult = { outbox_id: string; status: string; channel: string; destination: string; note: string; duplicate: boolean };

export function sendResult(result: EnqueueResult, destination: string): SendResult {
  return { outbox_id: result.id, status: result.status, channel: result.channel, destination, note: result.note, duplicate: result.duplicate };
}

/**
 * The idempotency key of a send: the caller's own key when given (scoped to the handler), otherwise one derived
 * from the request id and the content, so a retried request (same x-request-id) never sends twice.
 */
export function sendIdempotencyKey(ctx: HandlerContext, handlerKey: string, explicit: string | undefined, content: unknown): string {
  if (explicit) return `${handlerKey}:${ctx.principal.id}:${explicit}`;
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 24);
  return `${handlerKey}:req:${ctx.requestId}:${digest}`;
}

export const idempotencyKeyDescription = 'Your own key for this send: the same key never sends twice (e.g. "renewal-reminder-2026-03-client-42")';
