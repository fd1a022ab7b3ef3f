import { z } from 'zod';
import { invalidParams } from '../../errors.ts';
import { eventBusService } from '../../realtime/event-bus.ts';
import { defineHandler } from '../handler.ts';
import { CONTACT_KINDS, clientProfilesService } from '../../identity/client-profile.ts';

const profileOutput = z.object({
  principal: z.object({ id: z.string(), role: z.literal('client'), name: z.string(), created_at: z.string() }),
  contacts: z.array(z.object({ kind: z.enum(CONTACT_KINDS), value: z.string(), linked_at: z.string() })),
  leads: z
    .array(
      z.object({
        id: z.string(),
        created_at: z.string(),
        name: z.string(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
        services: z.array(z.string()),
        source: z.string(),
        status: z.string(),
      }),
    )
    .describe("Leads with one of the client's addresses, or created by the client"),
  memory: z.object({
    available: z.boolean(),
    facts: z.array(
      z.object({ key: z.string(), type: z.string(), content: z.string(), data: z.unknown(), updated_at: z.string() }),
    ),
  }),
  conversations: z.object({
    available: z.boolean(),
    total: z.number().int(),
    last_30_days: z.number().int(),
    last_at: z.string().nullable(),
  }),
});
const contactChange = {
  principal_id: z.string(),
  kind: z.enum(CONTACT_KINDS),
  value: z.string().describe('As stored (normalised)'),
};

export const identityWhoami = defineHandler({
  key: 'identity.whoami',
  category: 'identity',
  description:
    'Who am I: the principal behind the credential of this request (id, role, name, how it authenticated). Identity comes only from the credential, never from message text.',
  input: z.object({}),
  output: z.object({
    id: z.string(),
    role: z.enum(['admin', 'staff', 'client']),
    name: z.string(),
    via: z.enum(['api_key', 'channel', 'system']),
    key_id: z.string().nullable(),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Which key am I using?', params: {} },
    { description: 'Chi sono io per ZANTARA?', params: {} },
  ],
  async run(_input, ctx) {
    const { id, role, name, via, keyId } = ctx.principal;
    return { id, role, name, via, key_id: keyId ?? null };
  },
});

export const identityResolve = defineHandler({
  key: 'identity.resolve',
  category: 'identity',
  description:
    'Find the one client registered with an exact e-mail address or phone number (any format: +62 813-…, 0813…) and return their profile. Never lists or searches: an unknown address is 404.',
  input: z.object({
    email: z.string().max(254).optional().describe('Exact e-mail address of the client (case does not matter)'),
    phone: z
      .string()
      .max(40)
      .optional()
      .describe('Exact phone or WhatsApp number; spaces, dashes and + are ignored, and 0813… is read as +62 813…'),
  }),
  output: profileOutput,
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Who is the client writing from this number?', params: { phone: '+62 813 1234 5678' } },
    { description: 'Trova il cliente con questa email', params: { email: 'marco.rossi@example.com' } },
  ],
  async run(input, ctx) {
    if ((input.email === undefined) === (input.phone === undefined)) {
      throw invalidParams([{ path: '', message: 'Give exactly one of email or phone.' }]);
    }
    return ctx.runtime.service(clientProfilesService).resolve(input);
  },
});

export const identityProfile = defineHandler({
  key: 'identity.profile',
  category: 'identity',
  description:
    "A client's profile by principal id: linked phone numbers and e-mails, leads with the same e-mail or phone, what ZANTARA remembers about them, and how many conversations they had.",
  input: z.object({
    principal_id: z.uuid().describe('The client principal id (from identity.resolve or a conversation)'),
  }),
  output: profileOutput,
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    {
      description: 'Open the profile of this client',
      params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' },
    },
    { description: 'Buka profil klien ini', params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' } },
  ],
  async run(input, ctx) {
    return ctx.runtime.service(clientProfilesService).profile(input.principal_id);
  },
});

export const identityLinkContact = defineHandler({
  key: 'identity.link_contact',
  category: 'identity',
  description:
    "Attach a phone number, e-mail address, WhatsApp number or Instagram id to a client's profile, so messages from it are recognised as that client. Fails with 409 when the address belongs to another client.",
  input: z.object({
    principal_id: z.uuid().describe('The client principal id'),
    kind: z.enum(CONTACT_KINDS).describe('What the address is: phone, email, whatsapp or instagram'),
    value: z.string().trim().min(1).max(254).describe('The address, e.g. +62 813 1234 5678 or name@example.com'),
  }),
  output: z.object({ ...contactChange, linked: z.boolean(), already_linked: z.boolean() }),
  effect: 'write',
  roles: ['admin', 'staff'],
  humanOnly: true,
  examples: [
    {
      description: "Add the client's e-mail to their WhatsApp profile",
      params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc', kind: 'email', value: 'anna@example.com' },
    },
    {
      description: 'Collega il numero WhatsApp al cliente',
      params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc', kind: 'whatsapp', value: '+39 333 123 4567' },
    },
  ],
  async run(input, ctx) {
    const result = await ctx.runtime.service(clientProfilesService).link(input.principal_id, input.kind, input.value);
    if (result.linked) {
      ctx.runtime.service(eventBusService).publish('identity.contact_linked', {
        principal_id: input.principal_id,
        kind: input.kind,
        by: ctx.principal.id,
      });
    }
    return { principal_id: input.principal_id, ...result };
  },
});

export const identityUnlinkContact = defineHandler({
  key: 'identity.unlink_contact',
  category: 'identity',
  description:
    "Remove a phone number, e-mail, WhatsApp number or Instagram id from a client's profile (e.g. linked by mistake). The client's last address cannot be removed.",
  input: z.object({
    principal_id: z.uuid().describe('The client principal id'),
    kind: z.enum(CONTACT_KINDS).describe('What the address is: phone, email, whatsapp or instagram'),
    value: z.string().trim().min(1).max(254).describe('The address as linked (any formatting)'),
  }),
  output: z.object({ ...contactChange, unlinked: z.literal(true) }),
  effect: 'write',
  roles: ['admin', 'staff'],
  humanOnly: true,
  examples: [
    {
      description: 'Remove a wrong e-mail from a client',
      params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc', kind: 'email', value: 'wrong@example.com' },
    },
    {
      description: 'Hapus nomor WhatsApp yang salah',
      params: { principal_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc', kind: 'whatsapp', value: '+62 811 000 000' },
    },
  ],
  async run(input, ctx) {
    const result = await ctx.runtime.service(clientProfilesService).unlink(input.principal_id, input.kind, input.value);
    ctx.runtime.service(eventBusService).publish('identity.contact_unlinked', {
      principal_id: input.principal_id,
      kind: input.kind,
      by: ctx.principal.id,
    });
    return { principal_id: input.principal_id, ...result };
  },
});
