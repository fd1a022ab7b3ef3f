/**
 * The JSON bodies of the web app's routes (src/web/), here so that the OpenAPI document describes them without the
 * HTTP layer importing the web app (the web app imports HTTP plumbing, not the other way round).
 */
import { z } from 'zod';

export const signInBody = z.object({ key: z.string().trim().min(16).max(200) }).strict();
export const contactBody = z
  .object({
    name: z.string(),
    email: z.string().optional(),
    phone: z.string().optional(),
    message: z.string().optional(),
    language: z.enum(['en', 'it', 'id']).optional(),
  })
  .strict();
