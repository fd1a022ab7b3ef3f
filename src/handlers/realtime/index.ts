import type { AnyHandler } from '../handler.ts';
import { realtimeBroadcast, realtimeStats } from './realtime-handlers.ts';

/** The realtime handlers. */
export const handlers: AnyHandler[] = [realtimeStats, realtimeBroadcast] as AnyHandler[];
