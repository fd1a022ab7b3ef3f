import type { AnyHandler } from '../handler.ts';
import { analyticsReport, dashboardMain } from './analytics-handlers.ts';

/** The analytics handlers. */
export const handlers: AnyHandler[] = [dashboardMain, analyticsReport] as AnyHandler[];
