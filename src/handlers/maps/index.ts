import type { AnyHandler } from '../handler.ts';
import { mapsDirections, mapsPlaceDetails, mapsSearch } from './maps.ts';

/** The maps handlers: Google Places (New) search and details, Routes API directions. */
export const handlers: AnyHandler[] = [mapsSearch, mapsPlaceDetails, mapsDirections] as AnyHandler[];
