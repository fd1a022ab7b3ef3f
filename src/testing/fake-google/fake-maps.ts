import {
  FakeBadRequest,
  googleError,
  jsonBody,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
} from './fake-http.ts';

export type FakePlace = {
  id: string;
  displayName: { text: string; languageCode: string };
  formattedAddress: string;
  location: { latitude: number; longitude: number };
  rating?: number;
  userRatingCount?: number;
  googleMapsUri?: string;
  websiteUri?: string;
  internationalPhoneNumber?: string;
  nationalPhoneNumber?: string;
  regularOpeningHours?: { openNow?: boolean; weekdayDescriptions: string[] };
  businessStatus?: string;
  types?: string[];
  primaryTypeDisplayName?: { text: string; languageCode: string };
};

export type FakeRouteAnswer = { distanceMeters: number; durationSeconds: number; steps: string[] };

const TRAVEL_MODES = ['DRIVE', 'BICYCLE', 'WALK', 'TWO_WHEELER', 'TRANSIT'];

/**
 * Places API (New) `places:searchText` and `places/{id}`, and Routes API `directions/v2:computeRoutes`: API key
 * in X-Goog-Api-Key, a required X-Goog-FieldMask that shapes the answer, body checks from the public reference.
 */
export class FakeMaps {
  readonly places: FakePlace[] = [];
  /** key: `${origin}→${destination}` as the request names them (address text or place id). */
  readonly routesTable = new Map<string, FakeRouteAnswer>();

  addPlace(place: FakePlace): FakePlace {
    this.places.push(place);
    return place;
  }

  routes(): FakeRoute[] {
    return [
      { method: 'POST', pattern: /^\/v1\/places:searchText$/, auth: 'api_key', handle: (req) => this.#search(req) },
      {
        method: 'GET',
        pattern: /^\/v1\/places\/([^/:]+)$/,
        auth: 'api_key',
        handle: (req, m) => this.#details(req, m[1]),
      },
      {
        method: 'POST',
        pattern: /^\/directions\/v2:computeRoutes$/,
        auth: 'api_key',
        handle: (req) => this.#routes(req),
      },
    ];
  }

  #mask(req: FakeRequest): string[] {
    const mask = String(req.headers['x-goog-fieldmask'] ?? '');
    if (!mask)
      throw new FakeBadRequest(
        'FieldMask is a required parameter. See https://cloud.google.com/apis/docs/system-parameters on how to provide it.',
      );
    return mask.split(',').map((f) => f.trim());
  }

  #search(req: FakeRequest): FakeResponse {
    const mask = this.#mask(req);
    if (!mask.every((f) => f === '*' || f.startsWith('places.') || f === 'nextPageToken'))
      throw new FakeBadRequest('Invalid field mask: fields must start with places.');
    const body = jsonBody<{
      textQuery?: string;
      languageCode?: string;
      regionCode?: string;
      pageSize?: number;
      maxResultCount?: number;
    }>(req);
    if (!body.textQuery) throw new FakeBadRequest('Missing textQuery.');
    const size = body.pageSize ?? body.maxResultCount ?? 20;
    if (size < 1 || size > 20) throw new FakeBadRequest('pageSize must be between 1 and 20.');
    const words = body.textQuery
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w.length > 2 && !['in', 'the', 'near', 'di', 'dekat'].includes(w));
    const found = this.places
      .filter((p) =>
        words.some((w) =>
          `${p.displayName.text} ${p.formattedAddress} ${(p.types ?? []).join(' ')}`.toLowerCase().includes(w),
        ),
      )
      .slice(0, size);
    const fields = mask.map((f) => f.replace(/^places\./, ''));
    return { json: found.length ? { places: found.map((p) => pick(p, fields)) } : {} };
  }

  #details(req: FakeRequest, placeId: string): FakeResponse {
    const mask = this.#mask(req);
    const place = this.places.find((p) => p.id === placeId);
    if (!place) return googleError(404, `Place ID '${placeId}' is not found.`, 'NOT_FOUND');
    return { json: pick(place, mask) };
  }

  #routes(req: FakeRequest): FakeResponse {
    const mask = this.#mask(req);
    if (!mask.every((f) => f === '*' || f.startsWith('routes.') || f === 'fallbackInfo' || f === 'geocodingResults'))
      throw new FakeBadRequest('Invalid field mask for computeRoutes.');
    type Waypoint = {
      address?: string;
      placeId?: string;
      location?: { latLng?: { latitude: number; longitude: number } };
    };
    const body = jsonBody<{
      origin?: Waypoint;
      destination?: Waypoint;
      travelMode?: string;
      routingPreference?: string;
      languageCode?: string;
      regionCode?: string;
      units?: string;
    }>(req);
    const name = (w: Waypoint | undefined, which: string): string => {
      if (!w) throw new FakeBadRequest(`Invalid ${which}: a waypoint is required.`);
      const kinds = [w.address, w.placeId, w.location].filter((x) => x !== undefined);
      if (kinds.length !== 1)
        throw new FakeBadRequest(`Invalid ${which}: exactly one of address, placeId or location must be set.`);
      return w.address ?? w.placeId ?? `${w.location!.latLng!.latitude},${w.location!.latLng!.longitude}`;
    };
    const origin = name(body.origin, 'origin');
    const destination = name(body.destination, 'destination');
    const mode = body.travelMode ?? 'DRIVE';
    if (!TRAVEL_MODES.includes(mode)) throw new FakeBadRequest(`Invalid value at 'travel_mode' (${mode}).`);
    if (body.routingPreference && !['DRIVE', 'TWO_WHEELER'].includes(mode))
      throw new FakeBadRequest('Routing preference cannot be set for the given travel mode.');
    const answer = this.routesTable.get(`${origin}→${destination}`);
    if (!answer) return { json: {} };
    const km = (answer.distanceMeters / 1000).toFixed(1);
    const route = {
      distanceMeters: answer.distanceMeters,
      duration: `${answer.durationSeconds}s`,
      staticDuration: `${answer.durationSeconds}s`,
      description: 'Jl. Fake',
      polyline: { encodedPolyline: 'fake_polyline' },
      localizedValues: {
        distance: { text: `${km} km` },
        duration: { text: `${Math.round(answer.durationSeconds / 60)} mins` },
        staticDuration: { text: `${Math.round(answer.durationSeconds / 60)} mins` },
      },
      legs: [
        {
          distanceMeters: answer.distanceMeters,
          duration: `${answer.durationSeconds}s`,
          steps: answer.steps.map((instructions) => ({
            distanceMeters: 100,
            staticDuration: '60s',
            navigationInstruction: { maneuver: 'STRAIGHT', instructions },
          })),
        },
      ],
      warnings: mode === 'TWO_WHEELER' ? ['This route may include restricted roads for two-wheeled vehicles.'] : [],
    };
    const fields = mask.map((f) => f.replace(/^routes\./, ''));
    return { json: { routes: [pick(route as unknown as Record<string, unknown>, fields)] } };
  }
}

/** Applies a field mask of dotted paths (`*` = everything) to an object. */
function pick(value: object, paths: string[]): Record<string, unknown> {
  if (paths.includes('*')) return { ...value };
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (!(head in source)) continue;
    const v = source[head];
    if (!rest.length || typeof v !== 'object' || v === null) {
      out[head] = v;
      continue;
    }
    const inner = Array.isArray(v) ? v.map((x) => pick(x as object, [rest.join('.')])) : pick(v, [rest.join('.')]);
    out[head] = out[head] === undefined ? inner : deepMerge(out[head], inner);
  }
  return out;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => deepMerge(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return b ?? a;
}
