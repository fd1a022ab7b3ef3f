/**
 * Approvals: a model may ask for a write or a send, but it runs only when a person approves it. A pending action
 * is executed exactly once, through the registry, as the principal whose turn proposed it (its role, its scope, its
 * rate limits, audited under its name); the approver is recorded in `decided_by` and can only narrow what runs: both
 * roles must allow the handler, and edited params are validated as if the proposer had asked for them. Only the
 * proposer and those who may approve see an action and its result; declared secret outputs are stored redacted.
 * Approve and reject are idempotent; pending actions expire.
 */
import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '../auth/principal.ts';
import { isStaff, SYSTEM_PRINCIPAL } from '../auth/principal.ts';
import { forbidden, invalidParams, issuesFromZod, notFound, ZantaraError } from '../errors.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { inputIssues } from '../input-safety.ts';
import { eventBusService } from '../realtime/event-bus.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import type { PendingAction } from '../runtime/chat-turn.ts';
import { handlerRegistry } from '../handlers/registry.ts';

export type ActionStatus = 'pending' | 'executed' | 'rejected' | 'expired' | 'failed';

export type ActionRecord = PendingAction & {
  status: ActionStatus;
  principal_id: string;
  conversation_id: string | null;
  turn_id: string | null;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  result: unknown;
};

type Row = {
  id: string;
  turn_id: string | null;
  conversation_id: string | null;
  principal_id: string;
  handler_key: string;
  params: Record<string, unknown>;
  summary: string;
  status: ActionStatus;
  expires_at: Date | string;
  created_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  result: unknown;
  proposer_via: Principal['via'] | null;
  proposer_key_id: string | null;
};

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function toRecord(row: Row): ActionRecord {
  return {
    id: row.id,
    key: row.handler_key,
    params: row.params,
    summary: row.summary,
    expires_at: iso(row.expires_at)!,
    status: row.status,
    principal_id: row.principal_id,
    conversation_id: row.conversation_id,
    turn_id: row.turn_id,
    created_at: iso(row.created_at)!,
    decided_by: row.decided_by,
    decided_at: iso(row.decided_at),
    result: row.result,
  };
}

/** A one-line description of what approving will do. */
export function describeAction(key: string, params: Record<string, unknown>): string {
  const shown = JSON.stringify(params);
  return `${key} ${shown.length > 400 ? `${shown.slice(0, 400)}…` : shown}`;
}

export class Approvals {
  readonly #runtime: Runtime;
  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  async create(input: {
    principal: Principal;
    key: string;
    params: Record<string, unknown>;
    expiresInMs: number;
    turnId?: string;
    conversationId?: string;
  }): Promise<PendingAction> {
    if (this.#runtime.service(handlerRegistry).get(input.key)?.humanOnly)
      throw forbidden(`${input.key} is administrative: a model may not propose it.`);
    const unsafe = inputIssues(input.params);
    if (unsafe.length) throw invalidParams(unsafe);
    const id = randomUUID();
    const expiresAt = new Date(this.#runtime.clock.now().getTime() + input.expiresInMs);
    const summary = describeAction(input.key, input.params);
    await this.#runtime.store.query(
      `INSERT INTO pending_actions (id, turn_id, conversation_id, principal_id, handler_key, params, summary, status, expires_at, created_at,
         proposer_via, proposer_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11)`,
      [
        id,
        input.turnId ?? null,
        input.conversationId ?? null,
        input.principal.id,
        input.key,
        JSON.stringify(input.params),
        summary,
        expiresAt.toISOString(),
        this.#runtime.clock.now().toISOString(),
        input.principal.via,
        input.principal.keyId ?? null,
      ],
    );
    const action: PendingAction = {
      id,
      key: input.key,
      params: input.params,
      summary,
      expires_at: expiresAt.toISOString(),
    };
    this.#runtime
      .service(eventBusService)
      .publish(
        'action.pending',
        { ...action, principal_id: input.principal.id, conversation_id: input.conversationId ?? null },
        this.#audience(input.key),
      );
    return action;
  }

  /** The action when the principal may see it (its proposer, or staff whose role may run it); 404 otherwise. */
  async get(principal: Principal, id: string): Promise<ActionRecord> {
    await this.#expire();
    const valid = /^[0-9a-f-]{36}$/i.test(id);
    const row = valid
      ? (await this.#runtime.store.query<Row>('SELECT * FROM pending_actions WHERE id = $1', [id])).rows[0]
      : undefined;
    if (!row || !this.#maySee(principal, row))
      throw notFound('action_not_found', `No pending action ${id}.`, { action_id: id });
    return toRecord(row);
  }

  /** Pending actions the principal may see and decide: its own, and for staff/admin those their role may run. */
  async listPending(principal: Principal): Promise<ActionRecord[]> {
    await this.#expire();
    const { rows } = isStaff(principal)
      ? await this.#runtime.store.query<Row>(
          `SELECT * FROM pending_actions WHERE status = 'pending' ORDER BY created_at`,
        )
      : await this.#runtime.store.query<Row>(
          `SELECT * FROM pending_actions WHERE status = 'pending' AND principal_id = $1 ORDER BY created_at`,
          [principal.id],
        );
    return rows.filter((row) => this.#maySee(principal, row)).map(toRecord);
  }

  // The live feed reaches staff roles that may approve the action, like the action itself.
  #audience(key: string): Array<'admin' | 'staff'> {
    const roles = this.#runtime.service(handlerRegistry).get(key)?.roles ?? [];
    return (['staff', 'admin'] as const).filter((role) => roles.includes(role));
  }

  // The proposer, and staff or admin whose own role may run the handler (they are the ones who may approve it).
  #maySee(principal: Principal, row: Row): boolean {
    if (row.principal_id === principal.id) return true;
    const handler = this.#runtime.service(handlerRegistry).get(row.handler_key);
    return isStaff(principal) && Boolean(handler?.roles.includes(principal.role));
  }

  /** The principal whose turn proposed the action, as it authenticated then; refused when its key was revoked since. */
  async #proposer(row: Row): Promise<Principal> {
    if (row.proposer_via === 'system' && row.principal_id === SYSTEM_PRINCIPAL.id) return SYSTEM_PRINCIPAL;
    const { rows } = await this.#runtime.store.query<{ role: Role; display_name: string }>(
      'SELECT role, display_name FROM principals WHERE id = $1',
      [row.principal_id],
    );
    if (!rows[0])
      throw new ZantaraError('proposer_unknown', 'The principal who proposed this action no longer exists.', {
        status: 409,
      });
    if (row.proposer_key_id) {
      const key = await this.#runtime.store.query('SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [
        row.proposer_key_id,
      ]);
      if (!key.rows.length)
        throw new ZantaraError(
          'proposer_revoked',
          "The proposer's API key was revoked; this action can no longer run.",
          { status: 409 },
        );
    }
    return {
      id: row.principal_id,
      role: rows[0].role,
      name: rows[0].display_name,
      keyId: row.proposer_key_id ?? undefined,
      via: row.proposer_via && row.proposer_via !== 'system' ? row.proposer_via : 'api_key',
    };
  }

  /** Both the approver's and the proposer's roles must allow the handler: approving never widens what runs. */
  #checkRoles(handler: AnyHandler, approver: Principal, proposer: Principal): void {
    if (handler.humanOnly) throw forbidden(`${handler.key} is administrative: it never runs from a model's proposal.`);
    if (!handler.roles.includes(approver.role))
      throw forbidden(`The ${approver.role} role may not run ${handler.key}; ask the Bali Zero team to approve it.`);
    if (!handler.roles.includes(proposer.role))
      throw forbidden(`${handler.key} cannot run: the ${proposer.role} who proposed it may not call it.`);
  }

  /**
   * Executes the action once, as `principal`. Approving an executed action again returns it unchanged.
   * @throws action_not_found 404 | action_expired 410 | action_already_decided 409 | forbidden 403 | invalid_params 400
   */
  async approve(
    principal: Principal,
    id: string,
    editedParams?: Record<string, unknown>,
  ): Promise<ActionRecord & { already: boolean }> {
    const action = await this.get(principal, id);
    if (action.status === 'executed' || action.status === 'failed') {
      if (editedParams)
        throw new ZantaraError('action_already_decided', `Action ${id} was already ${action.status}.`, {
          status: 409,
          details: { status: action.status },
        });
      return { ...action, already: true };
    }
    if (action.status === 'expired')
      throw new ZantaraError('action_expired', `Action ${id} expired at ${action.expires_at}.`, { status: 410 });
    if (action.status !== 'pending')
      throw new ZantaraError('action_already_decided', `Action ${id} was already ${action.status}.`, {
        status: 409,
        details: { status: action.status },
      });
    const handler = this.#runtime.service(handlerRegistry).get(action.key);
    if (!handler) throw notFound('handler_not_found', `No handler named "${action.key}".`);
    const row = (await this.#runtime.store.query<Row>('SELECT * FROM pending_actions WHERE id = $1', [id])).rows[0];
    const proposer = await this.#proposer(row);
    this.#checkRoles(handler, principal, proposer);
    const params = editedParams ?? action.params;
    const unsafe = inputIssues(params);
    if (unsafe.length) throw invalidParams(unsafe);
    const parsed = handler.input.safeParse(params);
    if (!parsed.success) throw invalidParams(issuesFromZod(parsed.error.issues));

    // Claim the action first: only the request that moves it out of 'pending' runs it.
    const now = this.#runtime.clock.now().toISOString();
    const claimed = await this.#runtime.store.query<Row>(
      `UPDATE pending_actions SET decided_by = $2, decided_at = $3, params = $4
       WHERE id = $1 AND status = 'pending' AND decided_at IS NULL AND expires_at > $3 RETURNING *`,
      [id, principal.via === 'system' ? null : principal.id, now, JSON.stringify(params)],
    );
    if (!claimed.rows[0]) {
      const current = await this.get(principal, id);
      if (current.status === 'executed' || current.status === 'failed') return { ...current, already: true };
      if (current.status === 'expired' || new Date(current.expires_at) <= this.#runtime.clock.now())
        throw new ZantaraError('action_expired', `Action ${id} expired at ${current.expires_at}.`, { status: 410 });
      throw new ZantaraError('action_in_progress', `Action ${id} is being decided by another request.`, {
        status: 409,
      });
    }
    let status: ActionStatus = 'executed';
    let result: unknown;
    try {
      // As the proposer, with a model's origin: the handler's own scope checks (user_id, own memory…) apply to them.
      const registry = this.#runtime.service(handlerRegistry);
      result = registry.redact(
        action.key,
        await registry.call(action.key, params, { principal: proposer, requestId: `action-${id}`, origin: 'model' }),
      );
    } catch (error) {
      status = 'failed';
      result =
        ZantaraError.isInstance(error) && error.expose
          ? { error: error.code, message: error.message, ...error.details }
          : { error: 'internal_error', message: 'Internal error.' };
    }
    const { rows } = await this.#runtime.store.query<Row>(
      'UPDATE pending_actions SET status = $2, result = $3 WHERE id = $1 RETURNING *',
      [id, status, JSON.stringify(result ?? null)],
    );
    this.#runtime
      .service(eventBusService)
      .publish('action.decided', { id, key: action.key, status, decided_by: principal.id }, this.#audience(action.key));
    return { ...toRecord(rows[0]), already: false };
  }

  /** Discards the action. Rejecting a rejected action again is a no-op. */
  async reject(principal: Principal, id: string): Promise<ActionRecord & { already: boolean }> {
    const action = await this.get(principal, id);
    if (action.status === 'rejected') return { ...action, already: true };
    if (action.status !== 'pending')
      throw new ZantaraError('action_already_decided', `Action ${id} was already ${action.status}.`, {
        status: 409,
        details: { status: action.status },
      });
    const now = this.#runtime.clock.now().toISOString();
    const { rows } = await this.#runtime.store.query<Row>(
      `UPDATE pending_actions SET status = 'rejected', decided_by = $2, decided_at = $3 WHERE id = $1 AND status = 'pending' AND decided_at IS NULL RETURNING *`,
      [id, principal.via === 'system' ? null : principal.id, now],
    );
    if (!rows[0]) {
      const current = await this.get(principal, id);
      if (current.status === 'rejected') return { ...current, already: true };
      throw new ZantaraError(
        'action_already_decided',
        `Action ${id} is being decided or was already ${current.status}.`,
        { status: 409, details: { status: current.status } },
      );
    }
    this.#runtime
      .service(eventBusService)
      .publish(
        'action.decided',
        { id, key: action.key, status: 'rejected', decided_by: principal.id },
        this.#audience(action.key),
      );
    return { ...toRecord(rows[0]), already: false };
  }

  async #expire(): Promise<void> {
    await this.#runtime.store.query(
      `UPDATE pending_actions SET status = 'expired' WHERE status = 'pending' AND decided_at IS NULL AND expires_at <= $1`,
      [this.#runtime.clock.now().toISOString()],
    );
  }
}

export const approvalsService = defineService('approvals', (runtime) => new Approvals(runtime));
