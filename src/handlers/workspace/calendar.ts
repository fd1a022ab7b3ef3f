import { z } from 'zod';
import { DATE_RANGE_MESSAGE, isDateInRange } from '../../input-safety.ts';
import type { calendar_v3 } from '@googleapis/calendar';
import { defineHandler } from '../handler.ts';
import { ZantaraError } from '../../errors.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

/** Bali's time zone (WITA, UTC+8): the default for events created without one. */
const DEFAULT_TIME_ZONE = 'Asia/Makassar';
const DAY_MS = 24 * 60 * 60 * 1000;

const isoTime = (what: string) =>
  z.iso
    .datetime({ offset: true })
    .refine(isDateInRange, DATE_RANGE_MESSAGE)
    .describe(`${what}, RFC 3339 with offset, e.g. 2026-11-23T10:00:00+08:00`);
const calendarId = z
  .string()
  .min(1)
  .max(254)
  .default('primary')
  .describe('Calendar id: primary, or a calendar/person address');

const eventOutput = z.object({
  id: z.string(),
  summary: z.string(),
  description: z.string(),
  location: z.string(),
  start: z.string(),
  end: z.string(),
  all_day: z.boolean(),
  status: z.string(),
  html_link: z.string(),
  attendees: z.array(z.object({ email: z.string(), response: z.string() })),
});

function eventView(e: calendar_v3.Schema$Event) {
  return {
    id: e.id ?? '',
    summary: e.summary ?? '',
    description: e.description ?? '',
    location: e.location ?? '',
    start: e.start?.dateTime ?? e.start?.date ?? '',
    end: e.end?.dateTime ?? e.end?.date ?? '',
    all_day: Boolean(e.start?.date),
    status: e.status ?? '',
    html_link: e.htmlLink ?? '',
    attendees: (e.attendees ?? []).map((a) => ({ email: a.email ?? '', response: a.responseStatus ?? '' })),
  };
}

export const calendarList = defineHandler({
  key: 'calendar.list',
  category: 'workspace',
  description:
    'List events of a Google Calendar in a time window (default: the next 7 days of the primary calendar), optionally matching words. Recurring events are expanded, sorted by start time.',
  input: z.object({
    calendar_id: calendarId,
    time_min: isoTime('Window start (default now)').optional(),
    time_max: isoTime('Window end (default start + 7 days)').optional(),
    query: z.string().max(200).optional().describe('Only events whose text contains these words'),
    max_results: z.number().int().min(1).max(100).default(20).describe('How many events (1-100)'),
    as_user: asUserField,
  }),
  output: z.object({
    calendar_id: z.string(),
    acting_as: z.string(),
    time_min: z.string(),
    time_max: z.string(),
    count: z.number().int(),
    events: z.array(eventOutput),
  }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'What is on the calendar this week?', params: {} },
    {
      description: 'Appuntamenti con notaio a novembre',
      params: { query: 'notaio', time_min: '2026-11-01T00:00:00+08:00', time_max: '2026-12-01T00:00:00+08:00' },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const timeMin = input.time_min ?? ctx.runtime.clock.now().toISOString();
    const timeMax = input.time_max ?? new Date(Date.parse(timeMin) + 7 * DAY_MS).toISOString();
    const events = await callGoogle('Google Calendar', () =>
      google.calendar.events.list({
        calendarId: input.calendar_id,
        timeMin,
        timeMax,
        q: input.query,
        singleEvents: true,
        orderBy: 'startTime',
        maxResults: input.max_results,
      }),
    );
    const items = (events.items ?? []).map(eventView);
    return {
      calendar_id: input.calendar_id,
      acting_as: google.user,
      time_min: timeMin,
      time_max: timeMax,
      count: items.length,
      events: items,
    };
  },
});

export const calendarGet = defineHandler({
  key: 'calendar.get',
  category: 'workspace',
  description:
    'Get one calendar event by id (from calendar.list): title, time, place, description, attendees and their responses.',
  input: z.object({
    event_id: z.string().min(1).max(1024).describe('The event id'),
    calendar_id: calendarId,
    as_user: asUserField,
  }),
  output: eventOutput,
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Show event abc123def', params: { event_id: 'abc123def' } },
    {
      description: 'Detail acara abc123def di kalender tim',
      params: { event_id: 'abc123def', calendar_id: 'team@balizero.com' },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    return eventView(
      await callGoogle('Google Calendar', () =>
        google.calendar.events.get({ calendarId: input.calendar_id, eventId: input.event_id }),
      ),
    );
  },
});

export const calendarCreate = defineHandler({
  key: 'calendar.create',
  category: 'workspace',
  description:
    'Create a Google Calendar event (a meeting, a consultation, an appointment at the immigration office), optionally inviting attendees by e-mail. Give end or duration_minutes.',
  input: z.object({
    summary: z.string().min(1).max(300).describe('Event title'),
    start: isoTime('Start'),
    end: isoTime('End').optional(),
    duration_minutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .optional()
      .describe('Length in minutes, when end is not given'),
    time_zone: z
      .string()
      .min(3)
      .max(64)
      .optional()
      .describe('IANA time zone of the event (default Asia/Makassar, Bali)'),
    description: z.string().max(8000).optional().describe('Details, agenda'),
    location: z.string().max(500).optional().describe('Place or video link'),
    attendees: z.array(z.string().email()).max(50).default([]).describe("Invitees' e-mail addresses"),
    notify_attendees: z.boolean().default(true).describe('Send invitation e-mails to attendees'),
    calendar_id: calendarId,
    as_user: asUserField,
  }),
  output: eventOutput.extend({ created: z.literal(true) }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Book a 1-hour KITAS consultation on 23 November at 10:00 Bali time',
      params: {
        summary: 'KITAS consultation',
        start: '2026-11-23T10:00:00+08:00',
        duration_minutes: 60,
        attendees: ['client@example.com'],
      },
    },
    {
      description: 'Fissa un incontro con il notaio',
      params: {
        summary: 'Incontro notaio PT PMA',
        start: '2026-11-24T14:00:00+08:00',
        end: '2026-11-24T15:00:00+08:00',
        location: 'Kantor Notaris, Denpasar',
      },
    },
  ],
  async run(input, ctx) {
    if (!input.end && !input.duration_minutes)
      throw new ZantaraError('invalid_params', 'Give end or duration_minutes.', {
        status: 400,
        details: { issues: [{ path: 'end', message: 'end or duration_minutes is required' }] },
      });
    const end = input.end ?? new Date(Date.parse(input.start) + input.duration_minutes! * 60_000).toISOString();
    if (Date.parse(end) <= Date.parse(input.start))
      throw new ZantaraError('invalid_time_range', 'The event must end after it starts.', { status: 422 });
    const google = workspaceFor(ctx, input.as_user);
    const timeZone = input.time_zone ?? DEFAULT_TIME_ZONE;
    const created = await callGoogle('Google Calendar', () =>
      google.calendar.events.insert({
        calendarId: input.calendar_id,
        sendUpdates: input.notify_attendees ? 'all' : 'none',
        requestBody: {
          summary: input.summary,
          description: input.description,
          location: input.location,
          start: { dateTime: input.start, timeZone },
          end: { dateTime: end, timeZone },
          attendees: input.attendees.map((email) => ({ email })),
        },
      }),
    );
    return { created: true, ...eventView(created) };
  },
});

type Interval = { start: number; end: number };

export const calendarAvailability = defineHandler({
  key: 'calendar.availability',
  category: 'workspace',
  description:
    "Free/busy for one or more calendars (people or rooms) in a window: each calendar's busy times, and the free slots common to all of them that are at least min_slot_minutes long.",
  input: z.object({
    calendars: z
      .array(z.string().min(1).max(254))
      .min(1)
      .max(20)
      .default(['primary'])
      .describe("Calendar ids or team members' addresses"),
    time_min: isoTime('Window start'),
    time_max: isoTime('Window end'),
    min_slot_minutes: z.number().int().min(5).max(480).default(30).describe('Shortest free slot worth reporting'),
    time_zone: z.string().min(3).max(64).optional().describe('IANA time zone for the answer (default Asia/Makassar)'),
    as_user: asUserField,
  }),
  output: z.object({
    time_min: z.string(),
    time_max: z.string(),
    calendars: z.array(
      z.object({
        calendar: z.string(),
        busy: z.array(z.object({ start: z.string(), end: z.string() })),
        errors: z.array(z.string()),
      }),
    ),
    free_slots: z.array(z.object({ start: z.string(), end: z.string(), minutes: z.number().int() })),
    warning: z.string().optional(),
  }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'When are Adit and Dea both free tomorrow between 9 and 17?',
      params: {
        calendars: ['adit@balizero.com', 'dea@balizero.com'],
        time_min: '2026-11-23T09:00:00+08:00',
        time_max: '2026-11-23T17:00:00+08:00',
      },
    },
    {
      description: 'Kapan saya kosong besok pagi?',
      params: { time_min: '2026-11-23T08:00:00+08:00', time_max: '2026-11-23T12:00:00+08:00', min_slot_minutes: 60 },
    },
  ],
  async run(input, ctx) {
    const window = { start: Date.parse(input.time_min), end: Date.parse(input.time_max) };
    if (window.end <= window.start)
      throw new ZantaraError('invalid_time_range', 'time_max must be after time_min.', { status: 422 });
    if (window.end - window.start > 62 * DAY_MS)
      throw new ZantaraError('invalid_time_range', 'The window may span at most 62 days.', { status: 422 });
    const google = workspaceFor(ctx, input.as_user);
    const answer = await callGoogle('Google Calendar', () =>
      google.calendar.freebusy.query({
        requestBody: {
          timeMin: input.time_min,
          timeMax: input.time_max,
          timeZone: input.time_zone ?? DEFAULT_TIME_ZONE,
          items: input.calendars.map((id) => ({ id })),
        },
      }),
    );
    const calendars = input.calendars.map((id) => {
      const entry = answer.calendars?.[id];
      return {
        calendar: id,
        busy: (entry?.busy ?? []).map((b) => ({ start: b.start ?? '', end: b.end ?? '' })),
        errors: (entry?.errors ?? []).map((e) => e.reason ?? 'unknown'),
      };
    });
    const busy = calendars.flatMap((c) => c.busy.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })));
    const free = freeSlots(window, busy, input.min_slot_minutes * 60_000).map((s) => ({
      start: new Date(s.start).toISOString(),
      end: new Date(s.end).toISOString(),
      minutes: Math.round((s.end - s.start) / 60_000),
    }));
    const unknown = calendars.filter((c) => c.errors.length).map((c) => c.calendar);
    return {
      time_min: input.time_min,
      time_max: input.time_max,
      calendars,
      free_slots: free,
      ...(unknown.length
        ? { warning: `No free/busy information for: ${unknown.join(', ')}; free slots ignore them.` }
        : {}),
    };
  },
});

/** The gaps inside `window` not covered by any busy interval, at least `minMs` long. */
export function freeSlots(window: Interval, busy: Interval[], minMs: number): Interval[] {
  const sorted = busy.filter((b) => b.end > window.start && b.start < window.end).sort((a, b) => a.start - b.start);
  const slots: Interval[] = [];
  let cursor = window.start;
  for (const b of sorted) {
    if (b.start > cursor) slots.push({ start: cursor, end: Math.min(b.start, window.end) });
    cursor = Math.max(cursor, b.end);
  }
  if (cursor < window.end) slots.push({ start: cursor, end: window.end });
  return slots.filter((s) => s.end - s.start >= minMs);
}
