import type { AnyHandler } from '../handler.ts';
import {
  identityLinkContact,
  identityProfile,
  identityResolve,
  identityUnlinkContact,
  identityWhoami,
} from './identity-handlers.ts';

/** The identity handlers. */
export const handlers: AnyHandler[] = [
  identityWhoami,
  identityResolve,
  identityProfile,
  identityLinkContact,
  identityUnlinkContact,
] as AnyHandler[];
