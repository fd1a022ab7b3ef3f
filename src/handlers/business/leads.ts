import { z } from 'zod';
import { leadsService } from '../../leads/leads.ts';
import { DATE_RANGE_MESSAGE, isDateInRange } from '../../input-safety.ts';
import { eventBusService } from '../../realtime/event-bus.ts';
import { defineHandler } from '../handler.ts';

/** Digits, spaces, dashes, dots, brackets and an optional leading +; 7 to 15 digits (E.164 allows at most 15). */
const phone = z
  .string()
  .trim()
  .max(30)
  .regex(/^\+?[\d\s().-]+$/, 'phone may contain digits, spaces, dashes, dots, brackets and a leading +')
  .refine((p) => {
    const n = p.replace(/\D/g, '').length;
    return n >= 7 && n <= 15;
  }, 'phone must have 7 to 15 digits');

const leadOutput = z.object({
  id: z.string(),
  created_at: z.string(),
  created_by: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  nationality: z.string().nullable(),
  language: z.string().nullable(),
  services: z.array(z.string()),
  message: z.string().nullable(),
  source: z.string(),
  status: z.string(),
});

export const leadSave = defineHandler({
  key: 'lead.save',
  category: 'business',
  description:
    'Save a sales lead (a person interested in a service) so the team can follow up: name, email and/or phone, ' +
    'nationality, language, services wanted, message, source. Stores it, notifies staff (lead.created) and returns its id. ' +
    'Use when a person asks to be contacted or leaves their details.',
  input: z
    .object({
      name: z.string().trim().min(1).max(120).describe('Full name of the person'),
      email: z.email().max(200).optional().describe('E-mail address'),
      phone: phone.optional().describe('Phone or WhatsApp number, ideally with country code, e.g. +39 333 123 4567'),
      nationality: z.string().trim().min(2).max(60).optional().describe('Nationality, e.g. Italian'),
      language: z.enum(['en', 'it', 'id']).optional().describe('Preferred language: en, it or id'),
      services: z
        .array(z.string().trim().min(1).max(100).describe('A service of interest'))
        .max(20)
        .default([])
        .describe('Services of interest, e.g. ["E33G", "PT PMA"]'),
      message: z.string().trim().max(5000).optional().describe('What the person wrote or asked'),
      source: z
        .string()
        .trim()
        .regex(/^[a-z0-9_.-]{1,40}$/, 'lower-case word like web, whatsapp, instagram')
        .default('web')
        .describe('Where the lead came from: web, whatsapp, instagram, email, chat, walk-in…'),
    })
    .refine((l) => l.email !== undefined || l.phone !== undefined, {
      message: 'Give an email or a phone number',
      path: ['email'],
    }),
  output: z.object({ id: z.string(), status: z.string(), created_at: z.string() }),
  effect: 'write',
  roles: ['admin', 'staff', 'client'],
  examples: [
    {
      description: 'Save a lead from the web form',
      params: { name: 'Anna Smith', email: 'anna@example.com', services: ['E33G'], language: 'en', source: 'web' },
    },
    {
      description: 'Salva un contatto interessato al KITAS investitore',
      params: {
        name: 'Marco Rossi',
        phone: '+39 333 123 4567',
        nationality: 'Italian',
        language: 'it',
        services: ['E28A', 'PT PMA'],
        message: 'Vorrei aprire una società a Bali',
      },
    },
  ],
  async run(input, ctx) {
    const lead = await ctx.runtime
      .service(leadsService)
      .save(input, ctx.principal.via === 'system' ? null : ctx.principal.id);
    ctx.runtime.service(eventBusService).publish('lead.created', {
      id: lead.id,
      name: lead.name,
      services: lead.services,
      source: lead.source,
      language: lead.language,
    });
    return { id: lead.id, status: lead.status, created_at: lead.created_at };
  },
});

export const leadList = defineHandler({
  key: 'lead.list',
  category: 'business',
  description:
    'List saved leads for staff, newest first, with paging and filters (status, source, service, text in name/email/phone, since).',
  input: z.object({
    status: z.string().trim().min(1).max(30).optional().describe('Only leads with this status, e.g. new'),
    source: z.string().trim().min(1).max(40).optional().describe('Only leads from this source, e.g. web, whatsapp'),
    service: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Only leads interested in this service (exact entry, case-insensitive)'),
    search: z.string().trim().min(1).max(100).optional().describe('Text contained in the name, email or phone'),
    since: z.iso
      .date()
      .refine(isDateInRange, DATE_RANGE_MESSAGE)
      .optional()
      .describe('Only leads created on or after this date (YYYY-MM-DD)'),
    limit: z.number().int().min(1).max(100).default(20).describe('Page size'),
    offset: z.number().int().min(0).max(100000).default(0).describe('Leads to skip (paging)'),
  }),
  output: z.object({
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    count: z.number().int(),
    leads: z.array(leadOutput),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Newest leads', params: {} },
    { description: 'Lead nuovi da WhatsApp', params: { status: 'new', source: 'whatsapp', limit: 10 } },
  ],
  async run(input, ctx) {
    const { total, leads } = await ctx.runtime.service(leadsService).list(input);
    return { total, limit: input.limit, offset: input.offset, count: leads.length, leads };
  },
});
