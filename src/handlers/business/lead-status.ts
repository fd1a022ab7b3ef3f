import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { eventBusService } from '../../realtime/event-bus.ts';
import { defineHandler } from '../handler.ts';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

export const leadSetStatus = defineHandler({
  key: 'lead.set_status',
  category: 'business',
  description:
    `Move a saved lead along the sales pipeline (staff): ${LEAD_STATUSES.join(' → ')}. Returns the lead id with its ` +
    'old and new status; unknown id → 404 lead_not_found.',
  input: z.object({
    id: z.uuid().describe('Lead id from lead.list'),
    status: z.enum(LEAD_STATUSES).describe('The new status'),
  }),
  effect: 'write',
  roles: ['admin', 'staff'],
  examples: [
    {
      description: 'Mark a lead as contacted',
      params: { id: '00000000-0000-4000-8000-000000000001', status: 'contacted' },
    },
    { description: 'Segna il lead come vinto', params: { id: '00000000-0000-4000-8000-000000000001', status: 'won' } },
  ],
  async run(input, ctx) {
    const { rows } = await ctx.runtime.store.query<{ old: string }>(
      `UPDATE leads l SET status = $2 FROM (SELECT id, status AS old FROM leads WHERE id = $1 FOR UPDATE) o
       WHERE l.id = o.id RETURNING o.old`,
      [input.id, input.status],
    );
    if (!rows[0]) throw notFound('lead_not_found', `No lead with id ${input.id}.`);
    ctx.runtime.service(eventBusService).publish('lead.status', { id: input.id, from: rows[0].old, to: input.status });
    return { id: input.id, previous_status: rows[0].old, status: input.status };
  },
});
