/**
 * The HTTP route modules, in the order they are mounted (composition root). Add new entry points here. The web app
 * comes first: its middleware turns a browser session cookie into the request's principal.
 */
import type { RouteModule } from '../http/app.ts';
import { callRoutes } from '../http/routes/call.ts';
import { chatRoutes } from '../http/routes/chat.ts';
import { actionsRoutes } from '../http/routes/actions.ts';
import { usageRoutes } from '../http/routes/usage.ts';
import { systemRoutes } from '../http/routes/system.ts';
import { openApiRoutes } from '../http/routes/openapi.ts';
import { eventRoutes } from '../http/routes/events.ts';
import { webhookRoutes } from '../http/routes/webhooks.ts';
import { webRoutes } from '../web/web-routes.ts';
import { openAiRoutes } from '../http/routes/openai-compatible.ts';
import { mcpRoutes } from '../http/routes/mcp.ts';
import { apiReferenceRoutes } from '../http/routes/openapi-reference.ts';

export const routeModules: RouteModule[] = [
  webRoutes,
  systemRoutes,
  openApiRoutes,
  callRoutes,
  eventRoutes,
  chatRoutes,
  actionsRoutes,
  usageRoutes,
  webhookRoutes,
  openAiRoutes,
  mcpRoutes,
  apiReferenceRoutes,
];
