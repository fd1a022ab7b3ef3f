/**
 * The orchestrator's config file (`zantara.config.yaml` in the working directory, or the path in
 * `ZANTARA_CONFIG`): models per provider, the price table, the routing policy, agent, approval and conversation
 * settings. Validated with zod at start; a bad file fails with the path and the problem. Without a file, the route
 * is the chain of providers whose credentials are present (llama, anthropic, google, groq, cerebras, openrouter).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ROLES } from '../auth/principal.ts';
import { parseEnv, type Env } from '../config/env.ts';
import { ZantaraError } from '../errors.ts';
import type { ProviderTimeouts } from './provider-chain.ts';
import { PROVIDER_NAMES, providersFromEnv, type ProviderName, type ProviderSettings } from '../providers/providers.ts';

export const QUERY_CLASSES = ['google_workspace', 'business_logic', 'communication', 'knowledge'] as const;
export type QueryClass = (typeof QUERY_CLASSES)[number];

/** A chain entry: `provider` (its default model) or `provider:model-id`. */
const chainEntry = z
  .string()
  .regex(
    new RegExp(`^(${PROVIDER_NAMES.join('|')})(:.+)?$`),
    `must be a provider (${PROVIDER_NAMES.join(', ')}) optionally followed by :model`,
  );
const chain = z.array(chainEntry).min(1, 'a chain needs at least one provider');

const timeoutMs = z.number().int().min(50).max(600_000);

const price = z
  .object({
    input: z.number().nonnegative().describe('USD per million input tokens'),
    cached_input: z
      .number()
      .nonnegative()
      .optional()
      .describe('USD per million cached input tokens (defaults to input)'),
    output: z.number().nonnegative().describe('USD per million output tokens'),
  })
  .strict();

const routing = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('single'), chain }).strict(),
  z
    .object({
      mode: z.literal('classify'),
      classifier: z.enum(['local', 'model']).default('local'),
      classes: z
        .object(Object.fromEntries(QUERY_CLASSES.map((c) => [c, chain])) as Record<QueryClass, typeof chain>)
        .strict(),
    })
    .strict(),
  z.object({ mode: z.literal('hybrid'), workspace: chain, other: chain }).strict(),
  z
    .object({
      mode: z.literal('ab'),
      arms: z
        .array(
          z.object({ name: z.string().regex(/^[a-z0-9_-]{1,40}$/), weight: z.number().positive(), chain }).strict(),
        )
        .min(2),
    })
    .strict(),
]);

const AGENT_DEFAULTS = {
  max_steps: 6,
  tools_k: 8,
  pinned_tools: ['system.handlers.search'],
  tool_concurrency: 4,
  connect_timeout_ms: 5_000,
  first_token_timeout_ms: 8_000,
  stall_timeout_ms: 10_000,
  stream_hold_back_chars: 24,
  max_output_tokens: 2048,
};

export const orchestratorConfigSchema = z
  .object({
    providers: z
      .partialRecord(
        z.enum(PROVIDER_NAMES),
        z
          .object({
            model: z.string().min(1).optional(),
            protocol: z.enum(['native', 'text']).optional(),
            /** This provider's own timeouts; each one left out is the agent-wide value. */
            timeouts: z
              .object({
                connect_ms: timeoutMs.optional(),
                first_token_ms: timeoutMs.optional(),
                stall_ms: timeoutMs.optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
    prices: z.record(z.string(), price).default({}),
    routing: routing.optional(),
    agent: z
      .object({
        max_steps: z.number().int().min(1).max(20).default(6),
        tools_k: z.number().int().min(1).max(64).default(8),
        pinned_tools: z.array(z.string()).default(['system.handlers.search']),
        tool_concurrency: z.number().int().min(1).max(32).default(4),
        /** Until the provider answers the request with its headers. */
        connect_timeout_ms: timeoutMs.default(AGENT_DEFAULTS.connect_timeout_ms),
        /** From the request until the first token (the whole answer, for a caller that waits for all of it). */
        first_token_timeout_ms: timeoutMs.default(AGENT_DEFAULTS.first_token_timeout_ms),
        /** The longest silence between two parts of a stream once it has started. */
        stall_timeout_ms: timeoutMs.default(AGENT_DEFAULTS.stall_timeout_ms),
        /** Characters a streaming caller's answer is held back, so a provider that breaks early still falls back. */
        stream_hold_back_chars: z.number().int().min(0).max(10_000).default(AGENT_DEFAULTS.stream_hold_back_chars),
        max_output_tokens: z.number().int().min(16).default(2048),
      })
      .strict()
      .default(AGENT_DEFAULTS),
    cooldown: z
      .object({
        failures: z.number().int().min(1).default(2),
        seconds: z.number().min(0).default(60),
      })
      .strict()
      .default({ failures: 2, seconds: 60 }),
    approvals: z
      .object({
        expiry_minutes: z.number().positive().default(60),
        /** handler key → roles whose own turns run that write without asking. Sends always need an approval. */
        auto_approve: z.record(z.string(), z.array(z.enum(ROLES))).default({}),
      })
      .strict()
      .default({ expiry_minutes: 60, auto_approve: {} }),
    conversation: z
      .object({
        history_token_budget: z.number().int().min(100).default(3000),
        summarize: z.boolean().default(true),
        resume_hours: z.number().positive().default(24),
      })
      .strict()
      .default({ history_token_budget: 3000, summarize: true, resume_hours: 24 }),
  })
  .strict();

export type OrchestratorConfigFile = z.input<typeof orchestratorConfigSchema>;
export type RoutingPolicy = z.infer<typeof routing> | { mode: 'none' };
export type OrchestratorConfig = Omit<z.infer<typeof orchestratorConfigSchema>, 'routing'> & {
  /** The resolved routing policy (from the file, or the default chain of configured providers). */
  routing: RoutingPolicy;
  providerSettings: Record<ProviderName, ProviderSettings>;
  /** Where the config came from, for logs and docs. */
  source: string;
};

const configEnvSchema = z.object({ ZANTARA_CONFIG: z.string().optional() });

/** Validates a config object (already parsed from YAML) against the environment's providers. */
export function resolveConfig(raw: unknown, env: Env, source: string): OrchestratorConfig {
  const parsed = orchestratorConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ZantaraError('invalid_config', `Invalid orchestrator config (${source}):\n${lines.join('\n')}`, {
      status: 500,
      expose: true,
    });
  }
  const providerSettings = providersFromEnv(env);
  for (const [name, override] of Object.entries(parsed.data.providers ?? {})) {
    const settings = providerSettings[name as ProviderName];
    if (override?.model) settings.defaultModel = override.model;
    if (override?.protocol) settings.protocol = override.protocol;
  }
  let routingPolicy: OrchestratorConfig['routing'];
  if (parsed.data.routing) {
    routingPolicy = parsed.data.routing;
    const missing = chainsOf(routingPolicy)
      .flat()
      .map((e) => e.split(':')[0] as ProviderName)
      .filter((p) => !providerSettings[p].configured);
    if (missing.length) {
      throw new ZantaraError(
        'invalid_config',
        `Invalid orchestrator config (${source}):\n  routing names providers without credentials: ${[...new Set(missing)].join(', ')} (set their API key / LLAMA_BASE_URL)`,
        { status: 500, expose: true },
      );
    }
  } else {
    const present = PROVIDER_NAMES.filter((p) => providerSettings[p].configured);
    routingPolicy = present.length ? { mode: 'single', chain: present } : { mode: 'none' };
  }
  return { ...parsed.data, routing: routingPolicy, providerSettings, source };
}

/** Reads `ZANTARA_CONFIG` or `./zantara.config.yaml` when present; otherwise the defaults. */
export function loadOrchestratorConfig(env: Env, cwd = process.cwd()): OrchestratorConfig {
  const { ZANTARA_CONFIG } = parseEnv(configEnvSchema, env);
  const path = ZANTARA_CONFIG ? resolve(cwd, ZANTARA_CONFIG) : resolve(cwd, 'zantara.config.yaml');
  if (!existsSync(path)) {
    if (ZANTARA_CONFIG)
      throw new ZantaraError('invalid_config', `ZANTARA_CONFIG points to ${path}, which does not exist.`, {
        status: 500,
        expose: true,
      });
    return resolveConfig({}, env, 'defaults (no zantara.config.yaml)');
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ZantaraError(
      'invalid_config',
      `Invalid orchestrator config (${path}): not valid YAML: ${(error as Error).message}`,
      { status: 500, expose: true },
    );
  }
  return resolveConfig(raw, env, path);
}

/** A provider's timeouts: its own from `providers.<name>.timeouts`, else the agent-wide ones. */
export function timeoutsFor(
  config: Pick<OrchestratorConfig, 'providers' | 'agent'>,
  provider: string,
): ProviderTimeouts {
  const own = config.providers?.[provider as ProviderName]?.timeouts;
  return {
    connectMs: own?.connect_ms ?? config.agent.connect_timeout_ms,
    firstTokenMs: own?.first_token_ms ?? config.agent.first_token_timeout_ms,
    stallMs: own?.stall_ms ?? config.agent.stall_timeout_ms,
  };
}

export function chainsOf(policy: OrchestratorConfig['routing']): string[][] {
  switch (policy.mode) {
    case 'single':
      return [policy.chain];
    case 'classify':
      return QUERY_CLASSES.map((c) => policy.classes[c]);
    case 'hybrid':
      return [policy.workspace, policy.other];
    case 'ab':
      return policy.arms.map((a) => a.chain);
    default:
      return [];
  }
}
