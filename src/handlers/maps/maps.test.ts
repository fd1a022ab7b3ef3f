import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startFakeGoogle, type FakeGoogle } from '../../testing/fake-google/fake-google.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { handlers } from './index.ts';

let store: TestStore;
let google: FakeGoogle;
let rt: TestRuntime;
let client: string;

async function call(handler: string, params: Record<string, unknown>, runtime = rt, key = client) {
  const res = await runtime.request('/call', { key, body: { key: handler, params } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const imigrasi = {
  id: 'ChIJimigrasiDenpasar01',
  displayName: { text: 'Kantor Imigrasi Kelas I TPI Denpasar', languageCode: 'id' },
  formattedAddress: 'Jl. Panjaitan No.3, Denpasar, Bali',
  location: { latitude: -8.67, longitude: 115.23 },
  rating: 4.1,
  userRatingCount: 2000,
  googleMapsUri: 'https://maps.google.com/?cid=1',
  businessStatus: 'OPERATIONAL',
  primaryTypeDisplayName: { text: 'Government office', languageCode: 'en' },
  internationalPhoneNumber: '+62 361 227828',
  websiteUri: 'https://denpasar.imigrasi.go.id',
  regularOpeningHours: { openNow: true, weekdayDescriptions: ['Monday: 8:00 AM – 4:00 PM'] },
};

before(async () => {
  store = await createTestPglite();
  google = await startFakeGoogle();
  google.maps.addPlace(imigrasi);
  google.maps.addPlace({
    id: 'ChIJcoworkUbud000001',
    displayName: { text: 'Outpost Ubud Coworking', languageCode: 'en' },
    formattedAddress: 'Ubud, Bali',
    location: { latitude: -8.5, longitude: 115.26 },
  });
  rt = await createTestRuntime({ store, handlers, env: google.mapsEnv() });
  client = (await rt.key('client')).key;
});

after(async () => {
  await rt.close();
  await store.close();
  await google.close();
});

beforeEach(() => {
  google.http.requests.length = 0;
});

describe('maps.search (Places API (New) searchText)', () => {
  it('finds places with the API key, a field mask, and the id/en defaults; clients may use it', async () => {
    const res = await call('maps.search', { query: 'Kantor Imigrasi Denpasar' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.data.places.map((p: { name: string }) => p.name),
      ['Kantor Imigrasi Kelas I TPI Denpasar'],
    );
    assert.equal(res.body.data.places[0].rating, 4.1);
    const [request] = google.http.calls('/v1/places:searchText', 'POST');
    assert.equal(request.headers['x-goog-api-key'], google.http.apiKey);
    assert.match(String(request.headers['x-goog-fieldmask']), /places\.displayName/);
    const body = JSON.parse(request.body);
    assert.deepEqual(
      [body.textQuery, body.languageCode, body.regionCode, body.pageSize],
      ['Kantor Imigrasi Denpasar', 'en', 'id', 5],
    );
  });

  it('language, region and a location bias are passed on; no match is an empty list', async () => {
    const res = await call('maps.search', {
      query: 'nothing like this',
      language: 'it',
      region: 'it',
      near: { latitude: -8.65, longitude: 115.2 },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.count, 0);
    const body = JSON.parse(google.http.calls('/v1/places:searchText')[0].body);
    assert.deepEqual([body.languageCode, body.regionCode, body.locationBias.circle.radius], ['it', 'it', 5000]);
  });

  it('ZANTARA_MAPS_LANGUAGE and ZANTARA_MAPS_REGION change the defaults', async () => {
    const other = await createTestRuntime({
      store,
      handlers,
      env: { ...google.mapsEnv(), ZANTARA_MAPS_LANGUAGE: 'id', ZANTARA_MAPS_REGION: 'au' },
    });
    try {
      await call('maps.search', { query: 'Outpost Ubud' }, other, (await other.key('client')).key);
      const body = JSON.parse(google.http.calls('/v1/places:searchText')[0].body);
      assert.deepEqual([body.languageCode, body.regionCode], ['id', 'au']);
    } finally {
      await other.close();
    }
  });
});

describe('maps.place_details', () => {
  it('returns phone, website and opening hours of a place', async () => {
    const res = await call('maps.place_details', { place_id: imigrasi.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.phone, imigrasi.internationalPhoneNumber);
    assert.equal(res.body.data.website, imigrasi.websiteUri);
    assert.deepEqual(res.body.data.opening_hours, imigrasi.regularOpeningHours.weekdayDescriptions);
    const [request] = google.http.calls(`/v1/places/${imigrasi.id}`, 'GET');
    assert.equal(request.query.languageCode, 'en');
    assert.match(String(request.headers['x-goog-fieldmask']), /regularOpeningHours/);
  });

  it('an unknown place id is 404 google_not_found', async () => {
    const res = await call('maps.place_details', { place_id: 'ChIJnothing' });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'google_not_found');
  });
});

describe('maps.directions (Routes API computeRoutes)', () => {
  it('directions to the office use the configured office address and report distance, time and steps', async () => {
    const office = rt.service(knowledgeService).company.contact().office;
    google.maps.routesTable.set(`Ubud, Bali→${office}`, {
      distanceMeters: 31_500,
      durationSeconds: 3900,
      steps: ['Head south on Jl. Raya Ubud', 'Turn right'],
    });
    const res = await call('maps.directions', { origin: 'Ubud, Bali', to_office: true, travel_mode: 'TWO_WHEELER' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const data = res.body.data;
    assert.equal(data.destination, office);
    assert.deepEqual([data.distance_meters, data.duration_seconds], [31_500, 3900]);
    assert.deepEqual(data.steps, ['Head south on Jl. Raya Ubud', 'Turn right']);
    const [request] = google.http.calls('/directions/v2:computeRoutes', 'POST');
    const body = JSON.parse(request.body);
    assert.deepEqual(
      [body.travelMode, body.routingPreference, body.regionCode, body.units],
      ['TWO_WHEELER', 'TRAFFIC_AWARE', 'id', 'METRIC'],
    );
    assert.deepEqual(body.destination, { address: office });
    assert.match(String(request.headers['x-goog-fieldmask']), /routes\.duration/);
  });

  it('coordinates and place ids become the right waypoint kinds; walking has no routing preference', async () => {
    google.maps.routesTable.set(`-8.65,115.13→${imigrasi.id}`, {
      distanceMeters: 1200,
      durationSeconds: 900,
      steps: ['Walk east'],
    });
    const res = await call('maps.directions', {
      origin: '-8.65, 115.13',
      destination: `place_id:${imigrasi.id}`,
      travel_mode: 'WALK',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = JSON.parse(google.http.calls('/directions/v2:computeRoutes')[0].body);
    assert.deepEqual(body.origin, { location: { latLng: { latitude: -8.65, longitude: 115.13 } } });
    assert.deepEqual(body.destination, { placeId: imigrasi.id });
    assert.equal(body.routingPreference, undefined);
  });

  it('no route is 404 route_not_found; no destination is 400', async () => {
    const none = await call('maps.directions', { origin: 'Ubud', destination: 'Atlantis' });
    assert.equal(none.status, 404);
    assert.equal(none.body.error, 'route_not_found');
    const missing = await call('maps.directions', { origin: 'Ubud' });
    assert.equal(missing.status, 400);
  });
});

describe('maps errors and configuration', () => {
  it('429 from Google → 429 rate_limited with Retry-After; 500 → 502 google_unavailable', async () => {
    google.http.failNext({ pathIncludes: 'places:searchText', status: 429, retryAfter: '9' });
    const limited = await call('maps.search', { query: 'Imigrasi' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.retry_after_seconds, 9);
    assert.equal(limited.headers.get('retry-after'), '9');
    google.http.failNext({ pathIncludes: 'computeRoutes', status: 500 });
    const down = await call('maps.directions', { origin: 'Ubud', destination: 'Canggu' });
    assert.equal(down.status, 502);
    assert.equal(down.body.error, 'google_unavailable');
  });

  it('a wrong API key is 403 google_forbidden', async () => {
    const wrong = await createTestRuntime({
      store,
      handlers,
      env: { ...google.mapsEnv(), GOOGLE_MAPS_API_KEY: 'AIza-wrong' },
    });
    try {
      const res = await call('maps.search', { query: 'Imigrasi' }, wrong, (await wrong.key('staff')).key);
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'google_forbidden');
    } finally {
      await wrong.close();
    }
  });

  it('without GOOGLE_MAPS_API_KEY every maps handler answers 503 integration_not_configured', async () => {
    const bare = await createTestRuntime({ store, handlers, env: {} });
    try {
      const key = (await bare.key('client')).key;
      for (const handler of handlers) {
        const res = await call(handler.key, handler.examples[0].params, bare, key);
        assert.equal(res.status, 503, handler.key);
        assert.equal(res.body.error, 'integration_not_configured');
        assert.match(res.body.message, /GOOGLE_MAPS_API_KEY/);
      }
      assert.equal(google.http.requests.length, 0);
    } finally {
      await bare.close();
    }
  });
});
