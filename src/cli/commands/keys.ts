import { apiKeysService } from '../../identity/api-keys.ts';
import { ROLES, type Role } from '../../auth/principal.ts';
import { ZantaraError } from '../../errors.ts';
import { str, type Command } from '../command.ts';
import { withCliRuntime } from '../cli-runtime.ts';

const create: Command = {
  name: 'keys create',
  summary: 'Create an API key (printed once)',
  options: {
    role: { type: 'string', value: 'ROLE', description: `One of ${ROLES.join(', ')}` },
    name: { type: 'string', value: 'NAME', description: 'Who or what the key is for' },
  },
  async run({ values }, io) {
    const role = str(values.role);
    const name = str(values.name)?.trim();
    if (!role || !(ROLES as readonly string[]).includes(role))
      throw new ZantaraError('usage', `--role must be one of ${ROLES.join(', ')}`);
    if (!name) throw new ZantaraError('usage', '--name "..." is required');
    const created = await withCliRuntime(io.env, (rt) =>
      rt.service(apiKeysService).create({ role: role as Role, name }),
    );
    io.out(
      `Created ${created.role} key ${created.id} for "${name}". It is shown only this once:\n\n  ${created.key}\n\n`,
    );
    return 0;
  },
};

const list: Command = {
  name: 'keys list',
  summary: 'List API keys (never the keys themselves)',
  options: {
    all: { type: 'boolean', description: 'Include revoked keys' },
    json: { type: 'boolean', description: 'Print a JSON array instead of a table' },
  },
  async run({ values }, io) {
    const keys = await withCliRuntime(io.env, (rt) => rt.service(apiKeysService).list());
    const shown = values.all ? keys : keys.filter((k) => !k.revoked_at);
    if (values.json) {
      io.out(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    if (shown.length === 0) {
      io.out('No keys.\n');
      return 0;
    }
    for (const k of shown)
      io.out(
        `${k.id}  ${k.role.padEnd(6)}  ${k.prefix}…  ${k.name}${k.revoked_at ? `  (revoked ${k.revoked_at})` : ''}\n`,
      );
    return 0;
  },
};

const revoke: Command = {
  name: 'keys revoke',
  summary: 'Revoke an API key',
  args: 'ID',
  async run({ positionals }, io) {
    const id = positionals[0];
    if (!id || !/^[0-9a-f-]{36}$/i.test(id))
      throw new ZantaraError('usage', 'Usage: zantara keys revoke ID (the id from keys list)');
    await withCliRuntime(io.env, (rt) => rt.service(apiKeysService).revoke(id));
    io.out(`Revoked ${id}.\n`);
    return 0;
  },
};

export const keysCommands: Command[] = [create, list, revoke];
