import { z } from 'zod';
import type { Role } from '../../auth/principal.ts';
import type { HandlerContext } from '../handler.ts';
import { googleWorkspaceService, type WorkspaceClients } from '../../integrations/google/google-workspace.ts';

/** Workspace reaches staff mailboxes, calendars and files: never clients. */
export const WORKSPACE_ROLES: readonly Role[] = ['staff', 'admin'];

export const asUserField = z
  .string()
  .email()
  .max(254)
  .optional()
  .describe(
    'Act as this Workspace user (an address in the company domain) instead of the default account; service-account setups only',
  );

/** The Google clients for this call, acting as the default user or the staff member's `as_user`. */
export function workspaceFor(ctx: HandlerContext, asUser?: string): WorkspaceClients {
  return ctx.runtime.service(googleWorkspaceService).for(ctx.principal, asUser);
}
