import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';

export const smtpEnv = z.object({
  SMTP_HOST: z.string().optional().describe('SMTP server host'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587).describe('SMTP port (587 STARTTLS, 465 TLS)'),
  SMTP_SECURE: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'))
    .describe('1: TLS from the first byte (port 465); default: STARTTLS when offered'),
  SMTP_USER: z.string().optional().describe('SMTP user name'),
  SMTP_PASSWORD: z.string().optional().describe('SMTP password'),
  SMTP_FROM: z.string().optional().describe('From address, e.g. "Bali Zero <info@balizero.com>"'),
});

export type SmtpConfig = z.infer<typeof smtpEnv>;

export function smtpConfig(env: Env): SmtpConfig {
  return parseEnv(smtpEnv, env);
}
