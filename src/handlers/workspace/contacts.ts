import { z } from 'zod';
import type { people_v1 } from '@googleapis/people';
import { defineHandler } from '../handler.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

const FIELDS = 'names,emailAddresses,phoneNumbers,organizations';

const contactOutput = z.object({
  resource_name: z.string(),
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  organization: z.string(),
});

function contactView(p: people_v1.Schema$Person) {
  return {
    resource_name: p.resourceName ?? '',
    name: p.names?.[0]?.displayName ?? '',
    emails: (p.emailAddresses ?? []).map((e) => e.value ?? ''),
    phones: (p.phoneNumbers ?? []).map((e) => e.value ?? ''),
    organization: p.organizations?.[0]?.name ?? '',
  };
}

export const contactsList = defineHandler({
  key: 'contacts.list',
  category: 'workspace',
  description:
    'List or search the Google Contacts of the Workspace account: name, e-mails, phones, organisation. With query, finds contacts by name, e-mail or phone prefix.',
  input: z.object({
    query: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Name, e-mail or phone to search for; omit to list recent contacts'),
    max_results: z.number().int().min(1).max(30).default(20).describe('How many contacts (1-30)'),
    as_user: asUserField,
  }),
  output: z.object({ count: z.number().int(), contacts: z.array(contactOutput) }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Find the contact of the notary', params: { query: 'notaris' } },
    { description: 'Elenca i contatti', params: { max_results: 10 } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    let people: people_v1.Schema$Person[];
    if (input.query) {
      const found = await callGoogle('Google Contacts', () =>
        google.people.people.searchContacts({ query: input.query, readMask: FIELDS, pageSize: input.max_results }),
      );
      people = (found.results ?? []).map((r) => r.person ?? {});
    } else {
      const list = await callGoogle('Google Contacts', () =>
        google.people.people.connections.list({
          resourceName: 'people/me',
          personFields: FIELDS,
          pageSize: input.max_results,
          sortOrder: 'LAST_MODIFIED_DESCENDING',
        }),
      );
      people = list.connections ?? [];
    }
    return { count: people.length, contacts: people.map(contactView) };
  },
});

export const contactsCreate = defineHandler({
  key: 'contacts.create',
  category: 'workspace',
  description:
    'Add a contact to Google Contacts of the Workspace account (a client, a notary, an agent), with e-mail, phone, organisation and a note.',
  input: z.object({
    given_name: z.string().min(1).max(100).describe('First name'),
    family_name: z.string().max(100).optional().describe('Last name'),
    email: z.string().email().max(254).optional().describe('E-mail address'),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{6,20}$/)
      .optional()
      .describe('Phone number, international format preferred (+62…)'),
    organization: z.string().max(200).optional().describe('Company'),
    note: z.string().max(2000).optional().describe('A note about the contact'),
    as_user: asUserField,
  }),
  output: contactOutput.extend({ created: z.literal(true) }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Save Marco Rossi as a contact',
      params: { given_name: 'Marco', family_name: 'Rossi', email: 'marco@example.com', phone: '+39 333 1234567' },
    },
    {
      description: 'Simpan kontak notaris',
      params: { given_name: 'Ibu Sari', organization: 'Kantor Notaris Denpasar', phone: '+62 361 123456' },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const person = await callGoogle('Google Contacts', () =>
      google.people.people.createContact({
        personFields: FIELDS,
        requestBody: {
          names: [{ givenName: input.given_name, familyName: input.family_name }],
          ...(input.email ? { emailAddresses: [{ value: input.email }] } : {}),
          ...(input.phone ? { phoneNumbers: [{ value: input.phone }] } : {}),
          ...(input.organization ? { organizations: [{ name: input.organization }] } : {}),
          ...(input.note ? { biographies: [{ value: input.note, contentType: 'TEXT_PLAIN' }] } : {}),
        },
      }),
    );
    return { created: true, ...contactView(person) };
  },
});
