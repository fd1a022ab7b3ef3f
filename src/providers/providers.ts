/**
 * Model providers from the environment. Credentials only ever come from env; each provider's base URL can be
 * overridden with `<PROVIDER>_BASE_URL` (proxies, tests). Provider clients never retry on their own: the route's
 * provider chain is the only retry owner (the AI SDK calls are made with `maxRetries: 0`).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createCerebras } from '@ai-sdk/cerebras';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createGroq } from '@ai-sdk/groq';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

/** The order of the default chain when no config file names one. */
export const PROVIDER_NAMES = ['llama', 'anthropic', 'google', 'groq', 'cerebras', 'openrouter'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** `native`: the provider's own tool calling; `text`: tools described in the prompt, calls parsed from text. */
export type ToolProtocol = 'native' | 'text';

export type ProviderSettings = {
  name: ProviderName;
  /** True when the credentials needed to call it are present. */
  configured: boolean;
  apiKey?: string;
  baseURL?: string;
  defaultModel: string;
  protocol: ToolProtocol;
};

const DEFAULT_MODELS: Record<ProviderName, string> = {
  llama: 'llama',
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
  groq: 'llama-3.3-70b-versatile',
  cerebras: 'llama-3.3-70b',
  openrouter: 'meta-llama/llama-3.3-70b-instruct',
};

const url = z.string().url();
const providerEnvSchema = z.object({
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: url.optional(),
  ANTHROPIC_MODEL: z.string().optional(),
  GOOGLE_GENERATIVE_AI_API_KEY: z.string().optional(),
  GOOGLE_BASE_URL: url.optional(),
  GOOGLE_MODEL: z.string().optional(),
  GROQ_API_KEY: z.string().optional(),
  GROQ_BASE_URL: url.optional(),
  GROQ_MODEL: z.string().optional(),
  CEREBRAS_API_KEY: z.string().optional(),
  CEREBRAS_BASE_URL: url.optional(),
  CEREBRAS_MODEL: z.string().optional(),
  OPENROUTER_API_KEY: z.string().optional(),
  OPENROUTER_BASE_URL: url.default('https://openrouter.ai/api/v1'),
  OPENROUTER_MODEL: z.string().optional(),
  LLAMA_BASE_URL: url.optional(),
  LLAMA_API_KEY: z.string().optional(),
  LLAMA_MODEL: z.string().optional(),
  LLAMA_PROTOCOL: z.enum(['native', 'text']).default('native'),
});

/** Every provider with what the environment says about it (configured or not). */
export function providersFromEnv(env: Env): Record<ProviderName, ProviderSettings> {
  const e = parseEnv(providerEnvSchema, env);
  const keyed = (
    name: ProviderName,
    apiKey: string | undefined,
    baseURL: string | undefined,
    model: string | undefined,
  ): ProviderSettings => ({
    name,
    configured: Boolean(apiKey),
    apiKey,
    baseURL,
    defaultModel: model ?? DEFAULT_MODELS[name],
    protocol: 'native',
  });
  return {
    llama: {
      name: 'llama',
      configured: Boolean(e.LLAMA_BASE_URL),
      apiKey: e.LLAMA_API_KEY,
      baseURL: e.LLAMA_BASE_URL,
      defaultModel: e.LLAMA_MODEL ?? DEFAULT_MODELS.llama,
      protocol: e.LLAMA_PROTOCOL,
    },
    anthropic: keyed('anthropic', e.ANTHROPIC_API_KEY, e.ANTHROPIC_BASE_URL, e.ANTHROPIC_MODEL),
    google: keyed('google', e.GOOGLE_GENERATIVE_AI_API_KEY, e.GOOGLE_BASE_URL, e.GOOGLE_MODEL),
    groq: keyed('groq', e.GROQ_API_KEY, e.GROQ_BASE_URL, e.GROQ_MODEL),
    cerebras: keyed('cerebras', e.CEREBRAS_API_KEY, e.CEREBRAS_BASE_URL, e.CEREBRAS_MODEL),
    openrouter: keyed('openrouter', e.OPENROUTER_API_KEY, e.OPENROUTER_BASE_URL, e.OPENROUTER_MODEL),
  };
}

export type CreateModelOptions = { fetch?: typeof globalThis.fetch };

/** The AI SDK language model for one provider and model id (no middleware; see text-protocol.ts). */
export function createProviderModel(
  settings: ProviderSettings,
  modelId: string,
  options: CreateModelOptions = {},
): LanguageModelV4 {
  const common = { apiKey: settings.apiKey, baseURL: settings.baseURL, fetch: options.fetch };
  switch (settings.name) {
    case 'anthropic':
      return createAnthropic(common)(modelId) as LanguageModelV4;
    case 'google':
      return createGoogleGenerativeAI(common)(modelId) as LanguageModelV4;
    case 'groq':
      return createGroq(common)(modelId) as LanguageModelV4;
    case 'cerebras':
      return createCerebras(common)(modelId) as LanguageModelV4;
    case 'openrouter':
    case 'llama':
      return createOpenAICompatible({
        name: settings.name,
        baseURL: settings.baseURL!,
        apiKey: settings.apiKey,
        fetch: options.fetch,
        includeUsage: true,
      }).chatModel(modelId) as LanguageModelV4;
  }
}
