import type { AnyHandler } from '../handler.ts';
import { analyticsReport, dashboardMain } from './analytics-handlers.ts';
import { tracesSearch, tracesStats } from './trace-handlers.ts';

/** The analytics handlers. */
export const handlers: AnyHandler[] = [dashboardMain, analyticsReport, tracesSearch, tracesStats] as AnyHandler[];
