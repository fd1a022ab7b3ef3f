import { z } from 'zod';
import { loadGoogleConfig } from '../../integrations/google/google-config.ts';
import { utilityModelFromEnv } from '../../providers/utility-model.ts';
import { outboxConfig } from '../../outbox/outbox-config.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { providersFromEnv } from '../../providers/providers.ts';
import { limitsFromEnv } from '../../rate-limit/rate-limiter.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { version } from '../../version.ts';
import { defineHandler } from '../handler.ts';
import { handlerRegistry } from '../registry.ts';

export const REDACTED = '[redacted]';

/** Names whose values are secrets whatever they contain. */
const SECRET_NAME =
  /KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS\b|_PASS_|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|SIGNATURE|WEBHOOK|HEADERS?\b|_JSON$/i;
/**
 * Values that look like secrets whatever their name: PEM blocks, JWTs, long random-looking strings, bearer or basic
 * credentials, `name=value` pairs whose name is secret (e.g. OTLP headers), well-known key prefixes.
 */
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /"private_key"\s*:/,
  /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/,
  /^(?=.*\d)(?=.*[A-Za-z])[\w+/=.-]{32,}$/,
  /\b(bearer|basic|token)\s+[\w.~+/=-]{6,}/i,
  /(authori[sz]ation|api[-_]?key|token|secret|password|passwd|cookie|signature)\w*\s*[=:]/i,
  /\beyJ[\w-]{8,}\.[\w-]{8,}/,
  /\b(sk|pk|rk|xox[abpr]|ghp|gho|glpat|zt|AIza)[-_][\w-]{12,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
];
/** Only variables that configure ZANTARA are shown; the rest of the environment (PATH, HOME…) is not its business. */
const RELEVANT =
  /^(ZANTARA_|DATABASE_|REDIS_|META_|WHATSAPP_|INSTAGRAM_|SLACK_|DISCORD_|SMTP_|EMAIL_|MAIL_|GMAIL_|GOOGLE_|MAPS_|ANTHROPIC_|OPENAI_|GROQ_|CEREBRAS_|GEMINI_|OPENROUTER_|DEEPSEEK_|LLAMA_|OLLAMA_|LLM_|MODEL_|AI_|LOG_|OTEL_)|^(PORT|HOST|NODE_ENV)$|_BASE_URL$/;

/**
 * A value safe to show: secrets by name or by look are replaced, URLs keep scheme/host/path but lose
 * passwords and secret-looking query parameters.
 */
export function redactValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return REDACTED;
  // A single URL keeps what is safe to show; its credentials and secret parameters are masked.
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) return redactUrl(value);
  if (SECRET_VALUE.some((pattern) => pattern.test(value))) return REDACTED;
  // Lists that carry URLs (e.g. ZANTARA_SLACK_CHANNELS='ops=C123,standup=https://hooks.slack.com/…'): webhook URLs are secrets.
  if (/:\/\//.test(value)) return REDACTED;
  return value;
}

function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return REDACTED;
  }
  if (url.password) url.password = '***';
  if (url.username && url.password === '') url.username = '***';
  // Webhook-style URLs carry their secret in the path.
  url.pathname = url.pathname
    .split('/')
    .map((segment) => (/^(?=.*\d)(?=.*[A-Za-z])[\w-]{20,}$/.test(segment) ? '***' : segment))
    .join('/');
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_NAME.test(key) || /^(sig|signature|code|apikey|api_key|access_token|key|token|pass(word)?)$/i.test(key))
      url.searchParams.set(key, '***');
  }
  return url.toString();
}

/** Runs a configuration probe; a probe that throws (a malformed credential) counts as not configured, with its reason. */
function probe(fn: () => boolean): { configured: boolean; problem?: string } {
  try {
    return { configured: fn() };
  } catch (error) {
    return { configured: false, problem: redactValue('problem', (error as Error).message).slice(0, 200) };
  }
}

/**
 * The effective configuration, with every secret redacted. Each part asks the module that owns it (the outbox's
 * channel list, the provider table, the Google and Maps loaders), so this view cannot drift from what runs.
 */
export function effectiveConfig(runtime: Runtime) {
  const env = runtime.env;
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const channels = runtime
    .service(outboxService)
    .deliverers.map((d) => ({ name: d.channel, ...probe(() => d.isConfigured(runtime)) }));
  const providers = Object.values(providersFromEnv(env)).map((p) => ({
    name: p.name,
    configured: p.configured,
    default_model: p.defaultModel,
    tool_protocol: p.protocol,
  }));
  let workspace: { configured: boolean; mode?: string; reason?: string; problem?: string };
  try {
    const google = loadGoogleConfig(env);
    workspace =
      google.mode === 'none' ? { configured: false, reason: google.reason } : { configured: true, mode: google.mode };
  } catch (error) {
    workspace = { configured: false, problem: redactValue('problem', (error as Error).message).slice(0, 200) };
  }
  const summary = probe(() => Boolean(utilityModelFromEnv(env)));
  const services = [
    { name: 'google_workspace', ...workspace },
    { name: 'google_maps', configured: set('GOOGLE_MAPS_API_KEY') },
    { name: 'meta_webhooks', configured: set('META_APP_SECRET') && set('META_VERIFY_TOKEN') },
    {
      name: 'embeddings',
      configured: set('ZANTARA_EMBEDDINGS'),
      ...(set('ZANTARA_EMBEDDINGS') ? { provider: env.ZANTARA_EMBEDDINGS!.split(':')[0] } : {}),
    },
    { name: 'utility_model', ...summary, ...(summary.configured ? { model: utilityModelFromEnv(env)!.id } : {}) },
    { name: 'redis', configured: set('REDIS_URL') },
  ];
  const variables = Object.keys(env)
    .filter((name) => RELEVANT.test(name) && env[name] !== undefined)
    .sort()
    .map((name) => ({ name, value: redactValue(name, env[name]!) }));
  let sandbox: boolean | string;
  try {
    sandbox = outboxConfig(env).ZANTARA_SANDBOX;
  } catch {
    sandbox = 'invalid ZANTARA_SANDBOX value';
  }
  return { channels, providers, services, variables, sandbox };
}

export const systemConfig = defineHandler({
  key: 'system.config',
  category: 'admin',
  description:
    'The effective configuration of this server: store, sandbox mode, rate limits, which channels (outbox), model providers and services (Google Workspace, Maps, Redis…) are configured, and the ZANTARA-related environment with every secret redacted.',
  input: z.object({
    include_variables: z
      .boolean()
      .default(true)
      .describe('Also list the configuration variables (secrets always redacted)'),
  }),
  output: z.object({
    version: z.string(),
    node: z.string(),
    uptime_seconds: z.number().int(),
    store: z.object({
      kind: z.string(),
      vector_search: z.boolean(),
      database_url: z.string().nullable().describe('Redacted'),
    }),
    sandbox: z
      .union([z.boolean(), z.string()])
      .describe('True when nothing leaves the building; a string names an invalid setting'),
    rate_limits: z.object({
      shared_via_redis: z.boolean(),
      classes: z.record(z.string(), z.object({ requests: z.number().int(), per_seconds: z.number() })),
    }),
    handlers: z.number().int(),
    channels: z.array(z.object({ name: z.string(), configured: z.boolean(), problem: z.string().optional() })),
    providers: z.array(
      z.object({ name: z.string(), configured: z.boolean(), default_model: z.string(), tool_protocol: z.string() }),
    ),
    services: z.array(
      z.object({
        name: z.string(),
        configured: z.boolean(),
        mode: z.string().optional(),
        reason: z.string().optional(),
        problem: z.string().optional(),
        provider: z.string().optional(),
        model: z.string().optional(),
      }),
    ),
    variables: z.array(z.object({ name: z.string(), value: z.string().describe('Secrets redacted') })).optional(),
  }),
  effect: 'read',
  roles: ['admin'],
  humanOnly: true,
  examples: [
    { description: 'Which integrations are configured?', params: {} },
    { description: 'Mostra la configurazione senza le variabili', params: { include_variables: false } },
  ],
  async run(input, ctx) {
    const { runtime } = ctx;
    const config = effectiveConfig(runtime);
    const limits = Object.fromEntries(
      Object.entries(limitsFromEnv(runtime.env)).map(([k, v]) => [
        k,
        { requests: v.limit, per_seconds: v.windowSeconds },
      ]),
    );
    return {
      version,
      node: process.version,
      uptime_seconds: Math.round(process.uptime()),
      store: {
        kind: runtime.store.kind,
        vector_search: runtime.store.hasVector,
        database_url: runtime.env.DATABASE_URL ? redactValue('DATABASE_URL', runtime.env.DATABASE_URL) : null,
      },
      sandbox: config.sandbox,
      rate_limits: { shared_via_redis: Boolean(runtime.env.REDIS_URL), classes: limits },
      handlers: runtime.service(handlerRegistry).list().length,
      channels: config.channels,
      providers: config.providers,
      services: config.services,
      ...(input.include_variables ? { variables: config.variables } : {}),
    };
  },
});
