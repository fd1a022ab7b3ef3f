import { z } from 'zod';
import { DATE_RANGE_MESSAGE, isDateInRange } from '../../input-safety.ts';
import { defineHandler } from '../handler.ts';
import { ZantaraError } from '../../errors.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { mapsService, type Place, type Waypoint } from '../../integrations/maps/maps-client.ts';

const ALL_ROLES = ['admin', 'staff', 'client'] as const;
const language = z
  .string()
  .min(2)
  .max(10)
  .optional()
  .describe('Language of names and instructions (BCP-47, e.g. en, it, id); default from config');
const region = z
  .string()
  .length(2)
  .optional()
  .describe('Two-letter region that biases results (default id, Indonesia)');

const placeOutput = z.object({
  place_id: z.string(),
  name: z.string(),
  address: z.string(),
  type: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  rating: z.number().nullable(),
  rating_count: z.number().nullable(),
  status: z.string(),
  maps_link: z.string(),
});

function placeView(p: Place) {
  return {
    place_id: p.id ?? '',
    name: p.displayName?.text ?? '',
    address: p.formattedAddress ?? '',
    type: p.primaryTypeDisplayName?.text ?? '',
    latitude: p.location?.latitude ?? null,
    longitude: p.location?.longitude ?? null,
    rating: p.rating ?? null,
    rating_count: p.userRatingCount ?? null,
    status: p.businessStatus ?? '',
    maps_link: p.googleMapsUri ?? '',
  };
}

export const mapsSearch = defineHandler({
  key: 'maps.search',
  category: 'maps',
  description:
    'Search places on Google Maps by text ("immigration office Denpasar", "notary Canggu", "coworking Ubud"): name, address, rating, coordinates and a Maps link. Results favour Indonesia unless another region is given.',
  input: z.object({
    query: z.string().min(2).max(300).describe('What and where, e.g. "Kantor Imigrasi Denpasar"'),
    max_results: z.number().int().min(1).max(20).default(5).describe('How many places (1-20)'),
    open_now: z.boolean().optional().describe('Only places open right now'),
    near: z
      .object({
        latitude: z.number().min(-90).max(90).describe('Latitude of the centre'),
        longitude: z.number().min(-180).max(180).describe('Longitude of the centre'),
        radius_meters: z.number().min(1).max(50_000).default(5000).describe('Radius around the centre, in metres'),
      })
      .optional()
      .describe('Prefer results around this point'),
    language,
    region,
  }),
  output: z.object({ query: z.string(), count: z.number().int(), places: z.array(placeOutput) }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'Where is the immigration office in Denpasar?', params: { query: 'Kantor Imigrasi Denpasar' } },
    { description: 'Cari notaris di Canggu', params: { query: 'notaris Canggu', max_results: 3, language: 'id' } },
  ],
  async run(input, ctx) {
    const maps = ctx.runtime.service(mapsService);
    const answer = await maps.searchText({
      textQuery: input.query,
      languageCode: input.language ?? maps.config.ZANTARA_MAPS_LANGUAGE,
      regionCode: input.region ?? maps.config.ZANTARA_MAPS_REGION,
      pageSize: input.max_results,
      ...(input.open_now !== undefined ? { openNow: input.open_now } : {}),
      ...(input.near
        ? {
            locationBias: {
              circle: {
                center: { latitude: input.near.latitude, longitude: input.near.longitude },
                radius: input.near.radius_meters,
              },
            },
          }
        : {}),
    });
    const places = (answer.places ?? []).map(placeView);
    return { query: input.query, count: places.length, places };
  },
});

export const mapsPlaceDetails = defineHandler({
  key: 'maps.place_details',
  category: 'maps',
  description:
    'Details of one place by its Google place id (from maps.search): address, phone, website, opening hours, rating and Maps link.',
  input: z.object({
    place_id: z.string().min(5).max(300).describe('Google place id, e.g. ChIJ...'),
    language,
    region,
  }),
  output: placeOutput.extend({
    phone: z.string(),
    website: z.string(),
    open_now: z.boolean().nullable(),
    opening_hours: z.array(z.string()),
  }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'Opening hours of that immigration office', params: { place_id: 'ChIJN1t_tDeuEmsRUsoyG83frY4' } },
    {
      description: 'Orari e telefono di questo posto',
      params: { place_id: 'ChIJN1t_tDeuEmsRUsoyG83frY4', language: 'it' },
    },
  ],
  async run(input, ctx) {
    const maps = ctx.runtime.service(mapsService);
    const place = await maps.placeDetails(
      input.place_id,
      input.language ?? maps.config.ZANTARA_MAPS_LANGUAGE,
      input.region ?? maps.config.ZANTARA_MAPS_REGION,
    );
    return {
      ...placeView(place),
      phone: place.internationalPhoneNumber ?? place.nationalPhoneNumber ?? '',
      website: place.websiteUri ?? '',
      open_now: place.regularOpeningHours?.openNow ?? null,
      opening_hours: place.regularOpeningHours?.weekdayDescriptions ?? [],
    };
  },
});

const LAT_LNG = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;

function waypoint(text: string): Waypoint {
  const latLng = LAT_LNG.exec(text);
  if (latLng) return { location: { latLng: { latitude: Number(latLng[1]), longitude: Number(latLng[2]) } } };
  if (text.startsWith('place_id:')) return { placeId: text.slice('place_id:'.length) };
  return { address: text };
}

const seconds = (duration?: string) => (duration ? Number(duration.replace(/s$/, '')) : null);

export const mapsDirections = defineHandler({
  key: 'maps.directions',
  category: 'maps',
  description:
    'Directions between two places with the Google Routes API: distance, travel time (with traffic when driving or by scooter), and turn-by-turn steps. Set to_office to get directions to the Bali Zero office.',
  input: z.object({
    origin: z.string().min(2).max(300).describe('Start: an address, "lat,lng", or place_id:<id>'),
    destination: z
      .string()
      .min(2)
      .max(300)
      .optional()
      .describe('End: an address, "lat,lng", or place_id:<id>; omit with to_office'),
    to_office: z.boolean().default(false).describe('Go to the Bali Zero office (its configured address)'),
    travel_mode: z
      .enum(['DRIVE', 'TWO_WHEELER', 'WALK', 'BICYCLE', 'TRANSIT'])
      .default('DRIVE')
      .describe('DRIVE (car), TWO_WHEELER (scooter), WALK, BICYCLE or TRANSIT'),
    departure_time: z.iso
      .datetime({ offset: true })
      .refine(isDateInRange, DATE_RANGE_MESSAGE)
      .optional()
      .describe('Leave at this time (RFC 3339), for traffic-aware estimates'),
    language,
    region,
  }),
  output: z.object({
    origin: z.string(),
    destination: z.string(),
    travel_mode: z.string(),
    distance_meters: z.number().nullable(),
    distance_text: z.string(),
    duration_seconds: z.number().nullable(),
    duration_text: z.string(),
    duration_without_traffic_seconds: z.number().nullable(),
    via: z.string(),
    warnings: z.array(z.string()),
    steps: z.array(z.string()),
    polyline: z.string().describe('Encoded polyline'),
  }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    {
      description: 'How do I get from Ubud to your office by scooter?',
      params: { origin: 'Ubud, Bali', to_office: true, travel_mode: 'TWO_WHEELER' },
    },
    {
      description: 'Come arrivo da Seminyak a Kantor Imigrasi Denpasar?',
      params: { origin: 'Seminyak, Bali', destination: 'Kantor Imigrasi Denpasar', language: 'it' },
    },
  ],
  async run(input, ctx) {
    let destination = input.destination;
    if (input.to_office) destination = ctx.runtime.service(knowledgeService).company.contact().office;
    if (!destination)
      throw new ZantaraError('invalid_params', 'Give a destination or set to_office.', {
        status: 400,
        details: { issues: [{ path: 'destination', message: 'destination or to_office is required' }] },
      });
    const maps = ctx.runtime.service(mapsService);
    const trafficAware = input.travel_mode === 'DRIVE' || input.travel_mode === 'TWO_WHEELER';
    const answer = await maps.computeRoutes({
      origin: waypoint(input.origin),
      destination: waypoint(destination),
      travelMode: input.travel_mode,
      ...(trafficAware ? { routingPreference: 'TRAFFIC_AWARE' } : {}),
      ...(input.departure_time ? { departureTime: input.departure_time } : {}),
      languageCode: input.language ?? maps.config.ZANTARA_MAPS_LANGUAGE,
      regionCode: input.region ?? maps.config.ZANTARA_MAPS_REGION,
      units: 'METRIC',
    });
    const route = answer.routes?.[0];
    if (!route)
      throw new ZantaraError(
        'route_not_found',
        `Google found no ${input.travel_mode.toLowerCase().replace('_', '-')} route from ${input.origin} to ${destination}.`,
        { status: 404 },
      );
    return {
      origin: input.origin,
      destination,
      travel_mode: input.travel_mode,
      distance_meters: route.distanceMeters ?? null,
      distance_text: route.localizedValues?.distance?.text ?? '',
      duration_seconds: seconds(route.duration),
      duration_text: route.localizedValues?.duration?.text ?? '',
      duration_without_traffic_seconds: seconds(route.staticDuration),
      via: route.description ?? '',
      warnings: route.warnings ?? [],
      steps: (route.legs ?? [])
        .flatMap((leg) => leg.steps ?? [])
        .map((s) => s.navigationInstruction?.instructions ?? '')
        .filter(Boolean),
      polyline: route.polyline?.encodedPolyline ?? '',
    };
  },
});
