import { z } from 'zod';
import { apiKeysService } from '../../identity/api-keys.ts';
import { ROLES } from '../../auth/principal.ts';
import { defineHandler } from '../handler.ts';

export const keysCreate = defineHandler({
  key: 'keys.create',
  category: 'admin',
  description:
    'Create an API key with a role (admin, staff or client) and a name. The key is returned once and stored only as a hash.',
  input: z.object({
    role: z.enum(ROLES).describe('Role the key grants: admin, staff or client'),
    name: z.string().trim().min(1).max(120).describe('Who or what the key is for, e.g. "Reception laptop"'),
  }),
  output: z.object({
    key: z.string().describe('The new API key, shown only this once'),
    id: z.string(),
    role: z.enum(ROLES),
  }),
  effect: 'write',
  roles: ['admin'],
  humanOnly: true,
  secretOutput: ['key'],
  examples: [
    { description: 'Create a staff key for the tax team', params: { role: 'staff', name: 'Tax team' } },
    { description: 'Crea una chiave client per il sito web', params: { role: 'client', name: 'Sito web' } },
  ],
  async run(input, ctx) {
    const created = await ctx.runtime.service(apiKeysService).create(input);
    return { key: created.key, id: created.id, role: created.role };
  },
});

export const keysList = defineHandler({
  key: 'keys.list',
  category: 'admin',
  description:
    'List API keys (id, name, role, key prefix, created, revoked, last used). Never returns the keys themselves.',
  input: z.object({
    include_revoked: z.boolean().default(false).describe('Also list revoked keys'),
  }),
  output: z.object({
    keys: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: z.enum(ROLES),
        prefix: z.string().describe('The first characters of the key, to recognise it'),
        principal_id: z.string(),
        created_at: z.string(),
        revoked_at: z.string().nullable(),
        last_used_at: z.string().nullable(),
      }),
    ),
  }),
  effect: 'read',
  roles: ['admin'],
  humanOnly: true,
  examples: [
    { description: 'List active keys', params: {} },
    { description: 'Daftar semua kunci termasuk yang dicabut', params: { include_revoked: true } },
  ],
  async run(input, ctx) {
    const keys = await ctx.runtime.service(apiKeysService).list();
    return { keys: input.include_revoked ? keys : keys.filter((k) => !k.revoked_at) };
  },
});

export const keysRevoke = defineHandler({
  key: 'keys.revoke',
  category: 'admin',
  description:
    'Revoke an API key by id; it stops working at once on this server and within a second on other replicas.',
  input: z.object({
    id: z.uuid().describe('The key id from keys.list'),
  }),
  output: z.object({ id: z.string(), revoked: z.literal(true) }),
  effect: 'write',
  roles: ['admin'],
  humanOnly: true,
  examples: [
    { description: 'Revoke a leaked key', params: { id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' } },
    { description: 'Revoca una chiave', params: { id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' } },
  ],
  async run(input, ctx) {
    return ctx.runtime.service(apiKeysService).revoke(input.id);
  },
});
