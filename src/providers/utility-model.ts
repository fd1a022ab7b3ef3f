/**
 * The model for ZANTARA's side jobs — conversation summaries (by default), and, when chosen explicitly, fact
 * extraction from chat and grounded document answers: ZANTARA_UTILITY_MODEL (`provider` or `provider:model`, `none` to disable), else the first configured
 * provider in the orchestrator's default order, else none (each job then has an honest non-model fallback).
 */
import type { LanguageModel } from 'ai';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';
import { createProviderModel, PROVIDER_NAMES, providersFromEnv, type ProviderName } from './providers.ts';

export type UtilityModel = { model: LanguageModel; id: string };

const utilityEnv = z.object({
  ZANTARA_UTILITY_MODEL: z
    .string()
    .regex(
      new RegExp(`^(none|(${PROVIDER_NAMES.join('|')})(:.+)?)$`),
      `must be "none" or a provider (${PROVIDER_NAMES.join(', ')}) optionally followed by :model`,
    )
    .optional(),
});

/**
 * The utility model only when ZANTARA_UTILITY_MODEL names one: jobs that run on every turn (fact extraction) or
 * would spend tokens unasked use a model only by explicit choice.
 */
export function explicitUtilityModel(env: Env): UtilityModel | undefined {
  return env.ZANTARA_UTILITY_MODEL ? utilityModelFromEnv(env) : undefined;
}

export function utilityModelFromEnv(env: Env): UtilityModel | undefined {
  const { ZANTARA_UTILITY_MODEL: choice } = parseEnv(utilityEnv, env);
  if (choice === 'none') return undefined;
  const providers = providersFromEnv(env);
  const [name, ...rest] = (choice ?? PROVIDER_NAMES.find((p) => providers[p].configured) ?? '').split(':');
  if (!name) return undefined;
  const settings = providers[name as ProviderName];
  if (!settings.configured) return undefined;
  const modelId = rest.length ? rest.join(':') : settings.defaultModel;
  return { model: createProviderModel(settings, modelId), id: `${name}:${modelId}` };
}
