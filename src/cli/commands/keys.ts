import { apiKeysService } from '../../identity/api-keys.ts';
import { ROLES, type Role } from '../../auth/principal.ts';
import { ZantaraError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { parseArgs, withCliRuntime } from '../cli-runtime.ts';

const create: Command = {
  name: 'keys create',
  usage: 'keys create --role admin|staff|client --name NAME',
  summary: 'Create an API key (printed once)',
  async run(args, io) {
    const { options } = parseArgs(args);
    const role = options.role;
    const name = options.name;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new ZantaraError('usage', `--role must be one of ${ROLES.join(', ')}`);
    if (typeof name !== 'string' || !name.trim()) throw new ZantaraError('usage', '--name "..." is required');
    const created = await withCliRuntime(io.env, (rt) => rt.service(apiKeysService).create({ role: role as Role, name: name.trim() }));
    io.out(`Created ${created.role} key ${created.id} for "${name.trim()}". It is shown only this once:\n\n  ${created.key}\n\n`);
    return 0;
  },
};

const list: Command = {
  name: 'keys list',
  usage: 'keys list [--all]',
  summary: 'List API keys (never the keys themselves)',
  async run(args, io) {
    const { options } = parseArgs(args);
    const keys = await withCliRuntime(io.env, (rt) => rt.service(apiKeysService).list());
    const shown = options.all ? keys : keys.filter((k) => !k.revoked_at);
    if (shown.length === 0) { io.out('No keys.\n'); return 0; }
    for (const k of shown) io.out(`${k.id}  ${k.role.padEnd(6)}  ${k.prefix}…  ${k.name}${k.revoked_at ? `  (revoked ${k.revoked_at})` : ''}\n`);
    return 0;
  },
};

const revoke: Command = {
  name: 'keys revoke',
  usage: 'keys revoke ID',
  summary: 'Revoke an API key',
  async run(args, io) {
    const id = parseArgs(args).positional[0];
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new ZantaraError('usage', 'Usage: zantara keys revoke ID (the id from keys list)');
    await withCliRuntime(io.env, (rt) => rt.service(apiKeysService).revoke(id));
    io.out(`Revoked ${id}.\n`);
    return 0;
  },
};

export const keysCommands: Command[] = [create, list, revoke];
