/**
 * Model providers accept tool names matching ^[a-zA-Z0-9_-]{1,64}$. Keys are dotted and may contain `_`
 * (`team.recent_activity`), so the dot becomes `-`, a character no key may contain: the mapping is reversible.
 */
export const KEY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export function toolNameForKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error(`Invalid handler key: ${key}`);
  const name = key.replaceAll('.', '-');
  if (!TOOL_NAME_PATTERN.test(name)) throw new Error(`Handler key too long for a tool name: ${key}`);
  return name;
}

export function keyForToolName(name: string): string {
  return name.replaceAll('-', '.');
}
