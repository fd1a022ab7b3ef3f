import { z } from 'zod';
import { eventBusService } from '../../realtime/event-bus.ts';
import { eventFeedService } from '../../realtime/event-feed.ts';
import { redisFanoutService } from '../../realtime/redis-fanout.ts';
import { defineHandler } from '../handler.ts';

export const realtimeStats = defineHandler({
  key: 'realtime.stats',
  category: 'realtime',
  description:
    'The live event feed on this server: who is connected to GET /v1/events, how many events of each type were published since start, the resume buffer, and whether events are shared with other replicas through Redis.',
  input: z.object({}),
  output: z.object({
    connected_subscribers: z.number().int(),
    connections: z.array(
      z.object({
        id: z.string(),
        principal_name: z.string(),
        role: z.string(),
        opened_at: z.string(),
        types: z.array(z.string()),
      }),
    ),
    events_published: z.number().int(),
    events_published_by_type: z.record(z.string(), z.number().int()),
    events_received_from_other_replicas: z.number().int(),
    resume_buffer: z.object({ events: z.number().int(), capacity: z.number().int() }),
    fan_out: z.union([
      z.object({
        enabled: z.literal(true),
        channel: z.string(),
        instance_id: z.string(),
        connected: z.boolean(),
        sent: z.number().int(),
        received: z.number().int(),
        dropped: z.number().int(),
      }),
      z.object({ enabled: z.literal(false), reason: z.string() }),
    ]),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'How many people are watching the live feed?', params: {} },
    { description: 'Berapa event yang sudah dikirim sejak server mulai?', params: {} },
  ],
  async run(_input, ctx) {
    const bus = ctx.runtime.service(eventBusService).stats();
    const connections = ctx.runtime.service(eventFeedService).connections();
    const fanout = ctx.runtime.service(redisFanoutService);
    return {
      connected_subscribers: connections.length,
      connections: connections.map(({ id, principal_name, role, opened_at, types }) => ({
        id,
        principal_name,
        role,
        opened_at,
        types,
      })),
      events_published: bus.published,
      events_published_by_type: bus.published_by_type,
      events_received_from_other_replicas: bus.received_remote,
      resume_buffer: { events: bus.buffered, capacity: bus.buffer_size },
      fan_out: fanout
        ? fanout.stats()
        : { enabled: false, reason: 'REDIS_URL is not set: events reach the feeds of this server only' },
    };
  },
});

export const realtimeBroadcast = defineHandler({
  key: 'realtime.broadcast',
  category: 'realtime',
  description:
    'Send an announcement to everyone connected to the staff live feed (GET /v1/events), e.g. "office closes at 14:00 today". Admin only; it appears as an "announcement" event.',
  input: z.object({
    message: z.string().trim().min(1).max(1000).describe('The announcement text'),
    level: z
      .enum(['info', 'warning', 'urgent'])
      .default('info')
      .describe('How it should be shown: info, warning or urgent'),
    audience: z
      .enum(['staff', 'admin'])
      .default('staff')
      .describe('staff: everyone on the feed (staff and admins); admin: admins only'),
  }),
  output: z.object({
    event_id: z.string(),
    at: z.string(),
    connections_on_this_server: z.number().int(),
    other_replicas: z.string(),
  }),
  effect: 'send',
  roles: ['admin'],
  examples: [
    {
      description: 'Tell the team the office closes early',
      params: { message: 'The office closes at 14:00 today.', level: 'warning' },
    },
    {
      description: 'Annuncio agli admin',
      params: { message: 'Manutenzione del database alle 22:00.', audience: 'admin' },
    },
  ],
  async run(input, ctx) {
    const audience: Array<'admin' | 'staff'> = input.audience === 'admin' ? ['admin'] : ['staff', 'admin'];
    const reached = ctx.runtime
      .service(eventFeedService)
      .connections()
      .filter((c) => (audience as string[]).includes(c.role)).length;
    const event = ctx.runtime
      .service(eventBusService)
      .publish(
        'announcement',
        { message: input.message, level: input.level, from: { id: ctx.principal.id, name: ctx.principal.name } },
        audience,
      );
    const fanout = ctx.runtime.service(redisFanoutService);
    return {
      event_id: event.id,
      at: event.at,
      connections_on_this_server: reached,
      other_replicas: fanout ? 'shared through Redis' : 'none (REDIS_URL not set)',
    };
  },
});
