/**
 * The embedding provider for vector search, from ZANTARA_EMBEDDINGS=provider:model. Providers: an
 * OpenAI-compatible endpoint (`openai-compatible:`, with ZANTARA_EMBEDDINGS_BASE_URL), Gemini (`google:`), or a
 * local Ollama (`ollama:`, its OpenAI-compatible endpoint, default http://127.0.0.1:11434/v1). Unset means no
 * vector search: full-text only.
 */
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, type EmbeddingModel } from 'ai';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

export type Embedder = {
  /** `provider:model`, stored with every vector so a model change is noticed. */
  id: string;
  model: EmbeddingModel;
};

export const embeddingsEnv = z.object({
  ZANTARA_EMBEDDINGS: z
    .string()
    .regex(
      /^(openai-compatible|google|ollama):\S+$/,
      'must be provider:model with provider openai-compatible, google or ollama',
    )
    .optional(),
  ZANTARA_EMBEDDINGS_BASE_URL: z.url().optional(),
  ZANTARA_EMBEDDINGS_API_KEY: z.string().optional(),
  GOOGLE_GENERATIVE_AI_API_KEY: z.string().optional(),
});

/** The configured embedder, or undefined when vector search is not configured. */
export function embedderFromEnv(env: Env): Embedder | undefined {
  const config = parseEnv(embeddingsEnv, env);
  if (!config.ZANTARA_EMBEDDINGS) return undefined;
  const split = config.ZANTARA_EMBEDDINGS.indexOf(':');
  const provider = config.ZANTARA_EMBEDDINGS.slice(0, split);
  const modelId = config.ZANTARA_EMBEDDINGS.slice(split + 1);
  if (provider === 'google') {
    const google = createGoogleGenerativeAI({
      apiKey: config.ZANTARA_EMBEDDINGS_API_KEY ?? config.GOOGLE_GENERATIVE_AI_API_KEY,
      baseURL: config.ZANTARA_EMBEDDINGS_BASE_URL,
    });
    return { id: config.ZANTARA_EMBEDDINGS, model: google.embeddingModel(modelId) };
  }
  const baseURL =
    config.ZANTARA_EMBEDDINGS_BASE_URL ?? (provider === 'ollama' ? 'http://127.0.0.1:11434/v1' : undefined);
  if (!baseURL) throw new Error('ZANTARA_EMBEDDINGS_BASE_URL is required for openai-compatible embeddings');
  const compatible = createOpenAICompatible({ name: provider, baseURL, apiKey: config.ZANTARA_EMBEDDINGS_API_KEY });
  return { id: config.ZANTARA_EMBEDDINGS, model: compatible.embeddingModel(modelId) };
}

/** Embeds texts in order; every vector has the same dimension or this throws. */
export async function embedTexts(embedder: Embedder, values: string[], signal?: AbortSignal): Promise<number[][]> {
  if (values.length === 0) return [];
  const { embeddings } = await embedMany({ model: embedder.model, values, maxRetries: 1, abortSignal: signal });
  const dim = embeddings[0]?.length ?? 0;
  if (!dim || embeddings.some((e) => e.length !== dim))
    throw new Error(`Embedding model ${embedder.id} returned vectors of mixed or zero dimension`);
  return embeddings;
}

/** pgvector's text form of a vector. */
export function vectorLiteral(values: number[]): string {
  return `[${values.map((v) => (Number.isFinite(v) ? v : 0)).join(',')}]`;
}
