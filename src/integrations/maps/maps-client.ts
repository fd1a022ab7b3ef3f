import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';
import { ZantaraError } from '../../errors.ts';
import { defineService } from '../../runtime/service.ts';
import { mapGoogleError } from '../google/google-errors.ts';

export const mapsEnvSchema = z.object({
  GOOGLE_MAPS_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Google Maps Platform API key with Places API (New) and Routes API enabled'),
  GOOGLE_MAPS_BASE_URL: z.string().url().default('https://places.googleapis.com').describe('Places API (New) base URL'),
  GOOGLE_ROUTES_BASE_URL: z.string().url().default('https://routes.googleapis.com').describe('Routes API base URL'),
  ZANTARA_MAPS_LANGUAGE: z
    .string()
    .min(2)
    .max(10)
    .default('en')
    .describe('Default language of place names and directions'),
  ZANTARA_MAPS_REGION: z
    .string()
    .length(2)
    .default('id')
    .describe('Default region (CLDR two-letter code) that biases results'),
  GOOGLE_MAPS_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});
export type MapsConfig = z.infer<typeof mapsEnvSchema>;

/** Fields asked of Places; the field mask decides both the answer and the billing SKU. */
export const PLACE_FIELDS = [
  'id',
  'displayName',
  'formattedAddress',
  'location',
  'rating',
  'userRatingCount',
  'googleMapsUri',
  'businessStatus',
  'primaryTypeDisplayName',
];
export const PLACE_DETAIL_FIELDS = [
  ...PLACE_FIELDS,
  'websiteUri',
  'internationalPhoneNumber',
  'nationalPhoneNumber',
  'regularOpeningHours',
];
export const ROUTE_FIELDS = [
  'routes.distanceMeters',
  'routes.duration',
  'routes.staticDuration',
  'routes.localizedValues',
  'routes.description',
  'routes.warnings',
  'routes.polyline.encodedPolyline',
  'routes.legs.steps.navigationInstruction',
  'routes.legs.steps.distanceMeters',
];

export type Place = {
  id?: string;
  displayName?: { text?: string };
  formattedAddress?: string;
  location?: { latitude?: number; longitude?: number };
  rating?: number;
  userRatingCount?: number;
  googleMapsUri?: string;
  websiteUri?: string;
  businessStatus?: string;
  internationalPhoneNumber?: string;
  nationalPhoneNumber?: string;
  primaryTypeDisplayName?: { text?: string };
  regularOpeningHours?: { openNow?: boolean; weekdayDescriptions?: string[] };
};
export type Route = {
  distanceMeters?: number;
  duration?: string;
  staticDuration?: string;
  description?: string;
  warnings?: string[];
  localizedValues?: { distance?: { text?: string }; duration?: { text?: string } };
  polyline?: { encodedPolyline?: string };
  legs?: Array<{
    steps?: Array<{ distanceMeters?: number; navigationInstruction?: { maneuver?: string; instructions?: string } }>;
  }>;
};
export type Waypoint =
  | { address: string }
  | { placeId: string }
  | { location: { latLng: { latitude: number; longitude: number } } };

/**
 * Google Maps Platform over HTTPS with an API key: Places API (New) Text Search and Place Details, and the Routes
 * API computeRoutes (the successor of the legacy Directions API). Every request carries X-Goog-FieldMask.
 */
export class MapsClient {
  readonly config: MapsConfig;

  constructor(env: Env) {
    this.config = parseEnv(mapsEnvSchema, env);
  }

  #key(): string {
    if (!this.config.GOOGLE_MAPS_API_KEY) {
      throw new ZantaraError(
        'integration_not_configured',
        'Google Maps is not configured: set GOOGLE_MAPS_API_KEY (Places API (New) and Routes API enabled).',
        { expose: true, status: 503, details: { integration: 'google_maps' } },
      );
    }
    return this.config.GOOGLE_MAPS_API_KEY;
  }

  searchText(body: {
    textQuery: string;
    languageCode: string;
    regionCode: string;
    pageSize: number;
    openNow?: boolean;
    locationBias?: { circle: { center: { latitude: number; longitude: number }; radius: number } };
  }): Promise<{ places?: Place[] }> {
    return this.#request(
      'Google Places',
      `${this.config.GOOGLE_MAPS_BASE_URL}/v1/places:searchText`,
      'POST',
      PLACE_FIELDS.map((f) => `places.${f}`),
      body,
    );
  }

  placeDetails(placeId: string, languageCode: string, regionCode: string): Promise<Place> {
    const url = `${this.config.GOOGLE_MAPS_BASE_URL}/v1/places/${encodeURIComponent(placeId)}?${new URLSearchParams({ languageCode, regionCode })}`;
    return this.#request('Google Places', url, 'GET', PLACE_DETAIL_FIELDS);
  }

  computeRoutes(body: {
    origin: Waypoint;
    destination: Waypoint;
    travelMode: string;
    routingPreference?: string;
    departureTime?: string;
    languageCode: string;
    regionCode: string;
    units: 'METRIC';
  }): Promise<{ routes?: Route[] }> {
    return this.#request(
      'Google Routes',
      `${this.config.GOOGLE_ROUTES_BASE_URL}/directions/v2:computeRoutes`,
      'POST',
      ROUTE_FIELDS,
      body,
    );
  }

  async #request<T>(
    what: string,
    url: string,
    method: 'GET' | 'POST',
    fieldMask: string[],
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      'X-Goog-Api-Key': this.#key(),
      'X-Goog-FieldMask': fieldMask.join(','),
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.GOOGLE_MAPS_TIMEOUT_MS),
      });
    } catch (error) {
      throw mapGoogleError(error, what);
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = text;
    }
    if (!response.ok) {
      throw mapGoogleError(
        { response: { status: response.status, headers: response.headers, data }, message: `HTTP ${response.status}` },
        what,
      );
    }
    return data as T;
  }
}

export const mapsService = defineService('maps', (runtime) => new MapsClient(runtime.env));
