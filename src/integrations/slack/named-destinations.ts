/**
 * Parses a `name=target,name2=target2` list from config (ZANTARA_SLACK_CHANNELS, ZANTARA_DISCORD_WEBHOOKS).
 * Callers pick a name; the target (a channel id or a webhook URL) stays in config and never comes from a request.
 */
export function parseNamedDestinations(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().replace(/^#/, '').toLowerCase();
    const target = part.slice(eq + 1).trim();
    if (name && target) out.set(name, target);
  }
  return out;
}

/** The name as stored in config: lower case, without a leading '#'. */
export function destinationName(name: string): string {
  return name.trim().replace(/^#/, '').toLowerCase();
}
