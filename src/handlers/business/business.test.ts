/**
 * The business handlers through /call on PGlite. Every expected figure is read from the knowledge files
 * (loadKnowledge), never written here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadKnowledge } from '../../knowledge/load-knowledge.ts';
import { fixedClock } from '../../runtime/clock.ts';
import { eventBusService, type ZantaraEvent } from '../../realtime/event-bus.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { handlers } from './index.ts';
import { handlers as adminHandlers } from '../admin/index.ts';

const facts = loadKnowledge();
const item = (id: string) => facts.items.find((i) => i.id === id)!;
const variant = (id: string, option: string, years?: number) =>
  item(id).variants.find((v) => v.option === option && (years === undefined || v.years === years))!;
const NOW = '2026-03-02T01:00:00.000Z';

let store: TestStore;
let rt: TestRuntime;
let staff: string;
let client: string;
let admin: string;

type Envelope = { ok: boolean; data?: any; error?: string; message?: string; [k: string]: any };

async function call(
  key: string,
  params: Record<string, unknown>,
  apiKey = client,
): Promise<{ status: number; body: Envelope }> {
  const res = await rt.request('/call', { key: apiKey, body: { key, params } });
  return { status: res.status, body: (await res.json()) as Envelope };
}

async function ok(key: string, params: Record<string, unknown>, apiKey = client): Promise<any> {
  const { status, body } = await call(key, params, apiKey);
  assert.equal(status, 200, `${key} ${JSON.stringify(params)} → ${status} ${JSON.stringify(body)}`);
  assert.equal(body.ok, true);
  return body.data;
}

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store, clock: fixedClock(NOW), handlers: [...handlers, ...adminHandlers] });
  staff = (await rt.key('staff')).key;
  client = (await rt.key('client')).key;
  admin = (await rt.key('admin')).key;
});

after(async () => {
  await rt.close();
  await store.close();
});

describe('bali.zero.pricing', () => {
  it('finds the working KITAS from English, code, Indonesian and Italian phrasings', async () => {
    const expected = item('e23-working');
    for (const phrase of ['working kitas', 'E23 working', 'kitas kerja', 'KITAS lavoro', 'Kítas Lavóro']) {
      const data = await ok('bali.zero.pricing', { specific_service: phrase });
      assert.equal(data.services[0].id, expected.id, phrase);
      assert.equal(data.services[0].code, expected.code);
    }
  });

  it('returns the IDR variants, inclusions, last_verified and the disclaimer from the price list', async () => {
    const data = await ok('bali.zero.pricing', { service_type: 'kitas', specific_service: 'working kitas' });
    const entry = data.services[0];
    assert.equal(data.currency, 'IDR');
    assert.equal(data.disclaimer, facts.priceMeta.disclaimer);
    for (const option of ['offshore', 'onshore', 'extension']) {
      const served = entry.variants.find((v: any) => v.option === option);
      assert.equal(served.amount, variant('e23-working', option).amount, option);
      assert.equal(typeof served.amount, 'number');
    }
    assert.deepEqual(entry.included, item('e23-working').included);
    assert.equal(entry.last_verified, item('e23-working').last_verified);
    assert.equal(entry.source, item('e23-working').source);
    assert.equal(
      entry.price_from,
      Math.min(
        ...item('e23-working')
          .variants.filter((v) => v.option !== 'extension')
          .map((v) => v.amount),
      ),
    );
  });

  it('serves 1- and 2-year variants and flags the disputed onshore spouse price for confirmation', async () => {
    const data = await ok('bali.zero.pricing', { specific_service: 'E31A' });
    const entry = data.services[0];
    assert.equal(entry.id, 'e31a-spouse');
    const onshore2 = entry.variants.find((v: any) => v.option === 'onshore' && v.years === 2);
    assert.equal(onshore2.amount, variant('e31a-spouse', 'onshore', 2).amount);
    assert.equal(onshore2.verify, true);
    assert.equal(entry.verify, true);
    assert.equal(entry.verify_note, facts.priceMeta.verify_note);
  });

  it('prices the dependent KITAS exactly as the spouse KITAS (one source of truth)', async () => {
    const dependent = (await ok('bali.zero.pricing', { specific_service: 'dependent kitas' })).services[0];
    assert.equal(dependent.id, 'e31be-dependent');
    assert.deepEqual(
      dependent.variants.map((v: any) => v.amount),
      item('e31a-spouse').variants.map((v) => v.amount),
    );
  });

  it('says "contact for quote" for KITAP and lists no amount', async () => {
    const data = await ok('bali.zero.pricing', { service_type: 'kitap' });
    assert.equal(data.count, facts.items.filter((i) => i.category === 'kitap').length);
    for (const entry of data.services) {
      assert.equal(entry.contact_for_quote, true);
      assert.equal(entry.price_note, facts.priceMeta.contact_note);
      assert.equal(entry.price_from, null);
      assert.deepEqual(entry.variants, []);
    }
  });

  it('lists a whole category and, for all, the packages with computed totals', async () => {
    const tax = await ok('bali.zero.pricing', { service_type: 'tax' });
    assert.deepEqual(
      tax.services.map((s: any) => s.id),
      facts.items.filter((i) => i.category === 'tax').map((i) => i.id),
    );
    const all = await ok('bali.zero.pricing', {});
    assert.equal(all.count, facts.items.length);
    assert.equal(all.packages.length, facts.packages.length);
    assert.ok(!JSON.stringify(all).includes('€') && !/\bEUR\b/.test(JSON.stringify(all)), 'no euro price is served');
  });

  it('answers an unknown service with 404 service_not_found and suggestions', async () => {
    const { status, body } = await call('bali.zero.pricing', { specific_service: 'quantum teleportation licence' });
    assert.equal(status, 404);
    assert.equal(body.error, 'service_not_found');
    assert.ok(Array.isArray(body.suggestions) && body.suggestions.length > 0);
  });

  it('rejects an unknown service_type with invalid_params', async () => {
    const { status, body } = await call('bali.zero.pricing', { service_type: 'spaceship' });
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_params');
  });
});

describe('quote.generate', () => {
  it('sums list prices per line, with options, years and persons, and dates the validity from the clock', async () => {
    const data = await ok('quote.generate', {
      services: [
        { service: 'E33G', option: 'onshore' },
        { service: 'E31A', option: 'offshore', years: 2 },
        { service: 'npwp-personal' },
        { service: 'npwpd company' },
      ],
      persons: 2,
    });
    const expected = [
      variant('e33g-remote-worker', 'onshore').amount * 2,
      variant('e31a-spouse', 'offshore', 2).amount * 2,
      variant('npwp-personal', 'standard').amount * 2,
      variant('npwpd-company', 'standard').amount * 1,
    ];
    assert.deepEqual(
      data.lines.map((l: any) => l.amount),
      expected,
    );
    assert.equal(
      data.total,
      expected.reduce((a, b) => a + b, 0),
    );
    assert.equal(data.issued_on, '2026-03-02');
    const validity = Number(rt.env.ZANTARA_QUOTE_VALIDITY_DAYS ?? 30);
    assert.equal(data.validity_days, validity);
    assert.equal(
      data.valid_until,
      new Date(Date.parse(NOW) + 8 * 3600_000 + validity * 86_400_000).toISOString().slice(0, 10),
    );
  });

  it('defaults to the cheaper offshore price and lists contact-for-quote services apart, unsummed', async () => {
    const data = await ok('quote.generate', {
      services: [{ service: 'retirement kitas' }, { service: 'C18' }, { service: 'building permit PBG' }],
    });
    assert.equal(data.lines.length, 1);
    assert.equal(data.lines[0].option, 'offshore');
    assert.equal(data.total, variant('e33f-retirement', 'offshore').amount);
    assert.deepEqual(data.contact_for_quote.map((c: any) => c.item_id).sort(), ['c18-work-trial', 'pbg-slf']);
    assert.equal(data.total_is_minimum, true);
  });

  it('computes every package total from its items', async () => {
    for (const pkg of facts.packages) {
      const data = await ok('quote.generate', { packages: [pkg.id] });
      const priced = pkg.items.map((line) => item(line.item)).filter((i) => !i.contact_for_quote);
      const expected = pkg.items
        .filter((line) => !item(line.item).contact_for_quote)
        .reduce((sum, line) => {
          const candidates = item(line.item).variants.filter(
            (v) =>
              v.option ===
                (line.option ??
                  (item(line.item).variants.some((x) => x.option === 'offshore') ? 'offshore' : 'standard')) &&
              (line.years === undefined || v.years === undefined || v.years === line.years),
          );
          return sum + candidates.sort((a, b) => (a.years ?? 0) - (b.years ?? 0))[0].amount;
        }, 0);
      assert.equal(data.packages[0].total, expected, pkg.id);
      assert.equal(data.packages[0].lines.length, priced.length);
      assert.equal(data.total, expected);
    }
  });

  it('rejects an option the service does not have with 422 option_not_available', async () => {
    const { status, body } = await call('quote.generate', { services: [{ service: 'C7', option: 'onshore' }] });
    assert.equal(status, 422);
    assert.equal(body.error, 'option_not_available');
    assert.ok(body.available.length > 0);
  });

  it('rejects an unknown service (404) and an empty quote (400)', async () => {
    assert.equal(
      (await call('quote.generate', { services: [{ service: 'moon base permit' }] })).body.error,
      'service_not_found',
    );
    const empty = await call('quote.generate', {});
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error, 'invalid_params');
  });
});

describe('visa.info and document.checklist', () => {
  it('answers by code with purpose, duration, eligibility, processing time and prices', async () => {
    const data = await ok('visa.info', { query: 'e33g' });
    const visa = facts.visas.find((v) => v.code === 'E33G')!;
    assert.equal(data.visa.code, visa.code);
    assert.equal(data.visa.eligibility, visa.eligibility);
    assert.equal(data.visa.processing_time.id, visa.processing);
    assert.equal(
      data.visa.prices[0].variants.find((v: any) => v.option === 'offshore').amount,
      variant('e33g-remote-worker', 'offshore').amount,
    );
  });

  it('finds the permit from a description in three languages', async () => {
    assert.equal((await ok('visa.info', { query: 'I want to retire in Bali' })).visa.code, 'E33F');
    assert.equal(
      (await ok('visa.info', { query: 'voglio lavorare da remoto come nomade digitale' })).visa.code,
      'E33G',
    );
    assert.equal((await ok('visa.info', { query: 'saya menikah dengan WNI' })).visa.code, 'E31A');
  });

  it('returns 404 visa_not_found for nonsense', async () => {
    const { status, body } = await call('visa.info', { query: 'zzqx' });
    assert.equal(status, 404);
    assert.equal(body.error, 'visa_not_found');
  });

  it('gives the document checklist with the confirm-with-our-team note', async () => {
    const data = await ok('document.checklist', { service: 'remote worker kitas' });
    assert.deepEqual(data.documents, facts.visas.find((v) => v.code === 'E33G')!.documents);
    assert.equal(data.verify, true);
    assert.ok(data.verify_note);
    const company = await ok('document.checklist', { service: 'pendirian pt' });
    assert.deepEqual(company.documents, facts.checklists.find((c) => c.service === 'pt-pma-setup')!.documents);
  });
});

describe('kbli.lookup and kbli.requirements', () => {
  it('finds curated codes from English, Italian and Indonesian queries, stating the edition', async () => {
    const cases: Array<[string, string]> = [
      ['IT consulting', 'IT consulting'],
      ['villa rental', 'villa rental'],
      ['ristorante', 'ristorante'],
      ['sewa mobil', 'sewa mobil'],
    ];
    for (const [query, alias] of cases) {
      const expected = facts.kbli.codes.find((c) =>
        [...c.aliases.en, ...c.aliases.it, ...c.aliases.id].some((a) => a.toLowerCase() === alias.toLowerCase()),
      )!;
      const data = await ok('kbli.lookup', { query });
      assert.equal(data.edition, 'KBLI 2020');
      assert.equal(data.results[0].code, expected.code, query);
      assert.equal(data.results[0].title, expected.title);
      assert.equal(data.results[0].title_en, expected.title_en);
    }
  });

  it('looks up a curated code and answers an unknown code with 404 kbli_not_found', async () => {
    const curated = facts.kbli.codes[0];
    const data = await ok('kbli.lookup', { code: curated.code });
    assert.equal(data.results[0].title, curated.title);
    const { status, body } = await call('kbli.lookup', { code: '99999' });
    assert.equal(status, 404);
    assert.equal(body.error, 'kbli_not_found');
    assert.equal((await call('kbli.lookup', { code: '12' })).body.error, 'invalid_params');
  });

  it('gives investment and licensing notes, including the alcohol licence for a beach club', async () => {
    const data = await ok('kbli.requirements', { business_type: 'beach club' });
    const rule = facts.kbliRequirements.rules.find(
      (r) => r.codes.includes(data.kbli.code) && r.services.includes('alcohol-licence'),
    );
    assert.ok(rule, `a rule for ${data.kbli.code}`);
    assert.ok(data.specific.some((s: any) => s.id === rule!.id));
    assert.deepEqual(
      data.general.map((g: any) => g.id),
      facts.kbliRequirements.general.map((g) => g.id),
    );
    assert.deepEqual(
      data.services.map((x: any) => x.id),
      [...new Set(facts.kbliRequirements.general.flatMap((g) => g.services))],
    );
    assert.ok(data.services.length > 0);
    const minimum = data.general.find((g: any) => g.verify);
    assert.ok(minimum.verify_note);
  });
});

describe('team, contact and oracle', () => {
  it('lists departments and filters members by service and language', async () => {
    const departments = await ok('team.departments', {});
    assert.deepEqual(
      departments.departments.map((d: any) => d.id),
      facts.team.departments.map((d) => d.id),
    );
    const kitasIt = await ok('team.list', { service: 'kitas', language: 'it' });
    const expected = facts.team.members.filter(
      (m) => m.languages.includes('it') && (m.services.includes('kitas') || m.services.includes('e23-working')),
    );
    assert.deepEqual(kitasIt.members.map((m: any) => m.id).sort(), expected.map((m) => m.id).sort());
    assert.ok(kitasIt.members.length > 0);
    assert.equal(kitasIt.handover, facts.company.handover_default);
    const manager = await ok('team.get', { who: 'tax manager' });
    assert.equal(manager.department.id, 'tax');
    assert.equal((await call('team.get', { who: 'astronaut' })).body.error, 'team_member_not_found');
  });

  it('serves contact details from company.yaml, overridable by env', async () => {
    const data = await ok('contact.info', {});
    assert.equal(data.email, facts.company.email);
    assert.equal(data.phone, facts.company.phone);
    assert.equal(data.office, facts.company.office);
    const other = await createTestRuntime({
      store,
      env: { ZANTARA_PHONE: '+62 800 0000 0000', ZANTARA_OFFICE_ADDRESS: 'Kerobokan, Bali' },
      handlers,
    });
    try {
      const key = (await other.key('client')).key;
      const res = await other.request('/call', { key, body: { key: 'contact.info', params: {} } });
      const body = (await res.json()) as Envelope;
      assert.equal(body.data.phone, '+62 800 0000 0000');
      assert.equal(body.data.office, 'Kerobokan, Bali');
      assert.equal(body.data.hours, facts.company.hours);
    } finally {
      await other.close();
    }
  });

  it('estimates a timeline from the processing times, deterministically, labelled as an estimate', async () => {
    const params = { service: 'PT PMA', complexity: 'complex', needed_by: '2026-03-20' };
    const first = await ok('timeline.estimate', params);
    const again = await ok('oracle.predict', params); // the former key still answers
    assert.deepEqual(first, again);
    const pt = facts.processingTimes.find((p) => p.applies_to.items.includes('pt-pma-setup'))!;
    assert.equal(first.estimate, true);
    assert.match(first.label, /estimate/i);
    assert.deepEqual(first.working_days, { min: pt.min, likely: pt.max, max: pt.max });
    assert.equal(first.basis.source, pt.source);
    assert.equal(first.dates.start, '2026-03-02');
    // 2026-03-02 is a Monday: n working days later skips n/5 weekends.
    const latest = new Date(Date.parse('2026-03-02T00:00:00Z') + (pt.max + 2 * Math.floor(pt.max / 5)) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    assert.equal(first.dates.latest, latest);
    assert.equal(first.deadline.likely_in_time, false);
    const visit = await ok('timeline.estimate', { service: 'C1', complexity: 'simple' });
    assert.equal(visit.working_days.likely, facts.processingTimes.find((p) => p.id === 'visit-visa')!.min);
  });
});

describe('lead.save and lead.list', () => {
  it('stores a lead, returns its id and tells staff', async () => {
    const events: ZantaraEvent[] = [];
    const stop = rt.service(eventBusService).subscribe((e) => events.push(e));
    const data = await ok('lead.save', {
      name: 'Marco Rossi',
      email: 'Marco@Example.com',
      phone: '+39 333 123 4567',
      language: 'it',
      services: ['E28A', 'PT PMA'],
      message: 'Vorrei aprire una società',
    });
    stop();
    const { rows } = await store.query<any>('SELECT * FROM leads WHERE id = $1', [data.id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'Marco Rossi');
    assert.equal(rows[0].email, 'marco@example.com');
    assert.deepEqual(rows[0].services, ['E28A', 'PT PMA']);
    assert.equal(rows[0].source, 'web');
    assert.equal(events.filter((e) => e.type === 'lead.created' && e.data.id === data.id).length, 1);
  });

  it('rejects a bad email, a bad phone or no contact with 400 and writes nothing', async () => {
    const before = (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0].n;
    for (const params of [
      { name: 'X', email: 'not-an-email' },
      { name: 'X', phone: 'call me maybe' },
      { name: 'X' },
      { name: 'X', email: "a@b.co'; DROP TABLE leads;--" },
      { name: 'X', email: 'x@example.com', status: 'won' },
      { name: '', email: 'x@example.com' },
    ]) {
      const { status, body } = await call('lead.save', params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.equal(body.error, 'invalid_params');
    }
    assert.equal((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0].n, before);
  });

  it('lists leads for staff with filters and paging, and refuses clients', async () => {
    await ok('lead.save', { name: 'Budi Santoso', phone: '+62 812 3456 7890', source: 'whatsapp', services: ['NPWP'] });
    await ok('lead.save', { name: 'Anna Smith', email: 'anna@example.com', source: 'whatsapp', services: ['E33G'] });
    const all = await ok('lead.list', { source: 'whatsapp' }, staff);
    assert.equal(all.total, 2);
    const page = await ok('lead.list', { source: 'whatsapp', limit: 1, offset: 1 }, admin);
    assert.equal(page.count, 1);
    assert.equal(page.total, 2);
    assert.deepEqual(
      (await ok('lead.list', { service: 'e33g' }, staff)).leads.map((l: any) => l.name),
      ['Anna Smith'],
    );
    assert.deepEqual(
      (await ok('lead.list', { search: 'budi' }, staff)).leads.map((l: any) => l.name),
      ['Budi Santoso'],
    );
    const denied = await call('lead.list', {}, client);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'forbidden');
  });
});
