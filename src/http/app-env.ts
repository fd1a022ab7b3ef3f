import type { Principal } from '../auth/principal.ts';

/** Variables every request carries through the middleware chain. */
export type AppEnv = { Variables: { principal: Principal; requestId: string } };
