import { z } from 'zod';
import { invalidParams, notFound } from '../../errors.ts';
import { knowledgeService, type Knowledge } from '../../knowledge/knowledge-service.ts';
import { LANGUAGES } from '../../knowledge/schemas.ts';
import { normalize } from '../../knowledge/text-match.ts';
import { teamDirectoryService, type TeamMember } from '../../team/team-directory.ts';
import { defineHandler } from '../handler.ts';
import { memberOutput } from './business-outputs.ts';

function memberView(kb: Knowledge, m: TeamMember) {
  const department = kb.data.team.departments.find((d) => d.id === m.department);
  return {
    id: m.id,
    name: m.name,
    placeholder: m.placeholder,
    role: m.role,
    department: { id: m.department, name: department?.name ?? m.department },
    languages: m.languages,
    services: m.services,
    email: m.email,
    phone: m.phone,
    source: m.source,
    last_verified: m.last_verified,
  };
}

/** Members who handle a price-list item or category, those naming the exact item first. */
function membersFor(members: TeamMember[], itemId: string | undefined, category: string | undefined): TeamMember[] {
  return members
    .filter((m) => (itemId && m.services.includes(itemId)) || (category && m.services.includes(category)))
    .sort((a, b) => Number(b.services.includes(itemId ?? '')) - Number(a.services.includes(itemId ?? '')));
}

export const teamListOutput = z.object({
  count: z.number().int(),
  members: z.array(memberOutput),
  handover: z.string(),
});
export type TeamListResult = z.infer<typeof teamListOutput>;

export const teamList = defineHandler({
  key: 'team.list',
  category: 'business',
  description:
    'The Bali Zero team directory: members with role, department, languages and the services they handle; filter by ' +
    'department, language or service ("KITAS", "tax", "PT PMA"). Names marked placeholder are not configured yet: ' +
    'refer to the ' +
    'role and department instead. When nobody fits, `handover` names the team to hand over to.',
  input: z.object({
    department: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .optional()
      .describe('Department id or name, e.g. setup, tax, marketing'),
    language: z.enum(LANGUAGES).optional().describe('Only people who speak this language: en, it or id'),
    service: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('A service in any words ("kitas", "NPWP", "company setup")'),
  }),
  output: teamListOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Who handles KITAS and speaks Italian?', params: { service: 'kitas', language: 'it' } },
    { description: 'Siapa saja di tim pajak?', params: { department: 'tax' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    let members = await ctx.runtime.service(teamDirectoryService).list();
    if (input.department) {
      const wanted = normalize(input.department);
      const dept = kb.data.team.departments.find(
        (d) => d.id === wanted.replaceAll(' ', '-') || normalize(d.name) === wanted,
      );
      if (!dept)
        throw notFound('department_not_found', `No department "${input.department}".`, {
          departments: kb.data.team.departments.map((d) => d.id),
        });
      members = members.filter((m) => m.department === dept.id);
    }
    if (input.language) members = members.filter((m) => m.languages.includes(input.language!));
    if (input.service) {
      const item = kb.prices.match(input.service)[0]?.value;
      const handlers = new Set(
        membersFor(members, item?.id, item?.category ?? normalize(input.service)).map((m) => m.id),
      );
      members = members.filter((m) => handlers.has(m.id));
    }
    return {
      count: members.length,
      members: members.map((m) => memberView(kb, m)),
      handover: kb.data.company.handover_default,
    };
  },
});

export const teamGetOutput = memberOutput;
export type MemberResult = z.infer<typeof teamGetOutput>;

export const teamGet = defineHandler({
  key: 'team.get',
  category: 'business',
  description:
    'One team member by id, name or role ("tax manager", "KITAS specialist"), with department, languages and ' +
    'services. ' +
    'Unknown → 404 team_member_not_found with the handover team.',
  input: z.object({
    who: z.string().trim().min(1).max(120).describe('Member id, name or role'),
  }),
  output: teamGetOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Who is the tax manager?', params: { who: 'tax manager' } },
    { description: 'Chi è lo specialista KITAS?', params: { who: 'kitas specialist' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const wanted = normalize(input.who);
    const members = await ctx.runtime.service(teamDirectoryService).list();
    const member =
      members.find((m) => m.id === wanted.replaceAll(' ', '-')) ??
      members.find((m) => normalize(m.name) === wanted || (!m.placeholder && normalize(m.name).includes(wanted))) ??
      members.find((m) => normalize(m.role) === wanted) ??
      members.find((m) => normalize(m.id.replaceAll('-', ' ')).includes(wanted));
    if (!member)
      throw notFound('team_member_not_found', `Nobody in the team directory matches "${input.who}".`, {
        handover: kb.data.company.handover_default,
      });
    return memberView(kb, member);
  },
});

export const teamDepartmentsOutput = z.object({
  count: z.number().int(),
  departments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      roles: z.array(z.string()),
      services: z.array(z.string()),
      member_count: z.number().int(),
      members: z.array(memberOutput).optional(),
      source: z.string(),
      last_verified: z.string(),
    }),
  ),
});
export type DepartmentsResult = z.infer<typeof teamDepartmentsOutput>;

export const teamDepartments = defineHandler({
  key: 'team.departments',
  category: 'business',
  description:
    'The departments of Bali Zero (Management, Setup, Tax, Marketing, Reception, External advisory, Technology) with ' +
    'their roles, the services each handles and how many people are listed.',
  input: z.object({
    with_members: z.boolean().default(false).describe('Also list the members of each department'),
  }),
  output: teamDepartmentsOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Which departments are there?', params: {} },
    { description: 'Reparti con i membri', params: { with_members: true } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const all = await ctx.runtime.service(teamDirectoryService).list();
    const departments = kb.data.team.departments.map((d) => {
      const members = all.filter((m) => m.department === d.id);
      return {
        id: d.id,
        name: d.name,
        description: d.description,
        roles: d.roles,
        services: d.services,
        member_count: members.length,
        ...(input.with_members ? { members: members.map((m) => memberView(kb, m)) } : {}),
        source: d.source,
        last_verified: d.last_verified,
      };
    });
    return { count: departments.length, departments };
  },
});

const memberId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'lower-case letters, digits and dashes, e.g. tax-manager');

export const teamMemberSave = defineHandler({
  key: 'team.member_save',
  category: 'business',
  description:
    'Add or update a member of the team directory (staff): id, name, department, role, languages, services and ' +
    'contact. A saved member is no longer a placeholder and counts as verified today.',
  input: z.object({
    id: memberId.describe('Stable id, e.g. tax-manager or made-up-name'),
    name: z.string().trim().min(1).max(120).describe('Full name'),
    department: z.string().trim().min(1).max(60).describe('Department id, e.g. setup, tax, marketing'),
    role: z.string().trim().min(1).max(120).describe('Role, e.g. Tax manager'),
    languages: z.array(z.enum(LANGUAGES)).min(1).max(3).describe('Languages spoken: en, it, id'),
    services: z
      .array(z.string().trim().min(1).max(60))
      .max(30)
      .default([])
      .describe('Price-list categories or item ids handled'),
    email: z.email().max(200).optional().describe('Work e-mail'),
    phone: z
      .string()
      .trim()
      .max(30)
      .regex(/^\+?[\d\s().-]{7,30}$/, 'digits, spaces and a leading +')
      .optional()
      .describe('Work phone'),
  }),
  output: memberOutput,
  effect: 'write',
  roles: ['admin', 'staff'],
  examples: [
    {
      description: 'Name the tax manager',
      params: {
        id: 'tax-manager',
        name: 'Dewi Lestari',
        department: 'tax',
        role: 'Tax manager',
        languages: ['id', 'en'],
      },
    },
    {
      description: 'Aggiungi una consulente che parla italiano',
      params: {
        id: 'giulia',
        name: 'Giulia Bianchi',
        department: 'setup',
        role: 'Specialist',
        languages: ['it', 'en'],
        services: ['kitas'],
      },
    },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    if (!kb.data.team.departments.some((d) => d.id === input.department)) {
      throw invalidParams([
        { path: 'department', message: `one of ${kb.data.team.departments.map((d) => d.id).join(', ')}` },
      ]);
    }
    const saved = await ctx.runtime
      .service(teamDirectoryService)
      .save(
        { ...input, email: input.email?.toLowerCase() ?? null, phone: input.phone ?? null },
        ctx.principal.via === 'system' ? null : ctx.principal.id,
      );
    return memberView(kb, saved);
  },
});

export const teamMemberRemove = defineHandler({
  key: 'team.member_remove',
  category: 'business',
  description: 'Remove a member from the team directory (staff) by id. Unknown id → 404 team_member_not_found.',
  input: z.object({ id: memberId.describe('The member id from team.list') }),
  output: z.object({ id: z.string(), removed: z.literal(true) }),
  effect: 'write',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Remove a placeholder', params: { id: 'tax-expert' } },
    { description: 'Hapus anggota tim', params: { id: 'junior-consultant' } },
  ],
  async run(input, ctx) {
    if (!(await ctx.runtime.service(teamDirectoryService).remove(input.id))) {
      throw notFound('team_member_not_found', `No team member with id ${input.id}.`);
    }
    return { id: input.id, removed: true };
  },
});

export const contactOutput = z.object({
  legal_name: z.string(),
  trading_name: z.string(),
  motto: z.string(),
  email: z.string(),
  languages: z.array(z.string()),
  office: z.string(),
  phone: z.string(),
  whatsapp: z.string(),
  hours: z.string(),
  timezone: z.string(),
  timezone_label: z.string(),
  configured_from_env: z
    .array(z.string())
    .describe('Fields set by ZANTARA_OFFICE_ADDRESS / ZANTARA_PHONE / ZANTARA_HOURS'),
  source: z.string(),
  last_verified: z.string(),
});
export type ContactResult = z.infer<typeof contactOutput>;

export const contactInfo = defineHandler({
  key: 'contact.info',
  category: 'business',
  description:
    'How to reach Bali Zero: legal and trading name, email, office, phone/WhatsApp, opening hours (WITA, UTC+8) and ' +
    'the languages served. Office, phone and hours are configured per deployment.',
  input: z.object({}),
  output: contactOutput,
  effect: 'read',
  pure: true,
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'How can I contact Bali Zero?', params: {} },
    { description: 'Come contatto Bali Zero?', params: {} },
  ],
  async run(_input, ctx) {
    return ctx.runtime.service(knowledgeService).company.contact();
  },
});
