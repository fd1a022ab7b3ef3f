// The web app in a real browser: Debian's chromium (playwright-core) against a real ZANTARA server in this process,
// its model provider a fake OpenAI-compatible server on loopback. One browser for the whole file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { orchestratorService } from '../../src/orchestrator/orchestrator.ts';
import { createTestPglite, type TestStore } from '../../src/testing/test-stores.ts';
import type { FakeModelServer } from '../../src/testing/fake-model-servers/index.ts';
import {
  FAKE_PRICE,
  chromiumPath,
  launchBrowser,
  startFakeModelServer,
  startWebServer,
  type WebServer,
} from './web-harness.ts';
import { handlerRegistry } from '../../src/handlers/registry.ts';

const chromium = chromiumPath();
if (!chromium) console.log('# /usr/bin/chromium is not installed: the browser tests of the web app are skipped');

const AXE = join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
// Screenshots land in docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean.
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '../../docs/screenshots')
    : mkdtempSync(join(tmpdir(), 'zantara-shots-'));
const USAGE = { input: 1000, output: 200 };
const COST_PER_CALL = (USAGE.input * FAKE_PRICE.input + USAGE.output * FAKE_PRICE.output) / 1_000_000;
const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(5) : n.toFixed(2)}`;

let store: TestStore;
let model: FakeModelServer;
let staffSite: WebServer;
let publicSite: WebServer;
let browser: Browser;
let clientKey: string;
let adminKey: string;
const errors: string[] = [];

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // DOMPurify parses hostile markup in an inert DOMParser document; Chromium reports the event-handler attributes
    // it meets there against the CSP although nothing runs (the XSS test checks that nothing did).
    const inertParse = m.location().url.endsWith('/vendor/purify.es.mjs') && /inline event handler/.test(m.text());
    if (m.type() === 'error' && !inertParse && !/Failed to load resource/.test(m.text()))
      errors.push(`${page.url()}: ${m.text()}`);
  });
  return { context, page };
}

async function signInChat(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Client key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#chat').waitFor();
}

async function signInConsole(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#app').waitFor();
}

/** Sends a chat message with the keyboard and waits until the answer is complete. */
async function ask(page: Page, text: string): Promise<void> {
  const before = await page.locator('.msg.assistant').count();
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
  await page.locator('.msg.assistant').nth(before).waitFor();
  await page.waitForFunction(() => !document.querySelector('.msg.assistant[aria-busy]'));
}

/** Runs axe-core on the page (or only on `within`, for views inside a page already checked whole). */
async function axe(page: Page, label: string, within?: string): Promise<void> {
  // axe-core is served as if same-origin, so the page's CSP (no inline scripts) stays on while it is checked.
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.route('**/__axe-core.js', (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
    await page.addScriptTag({ url: new URL('/__axe-core.js', page.url()).href });
  }
  type Axe = {
    run(context?: string): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
  };
  const result = await page.evaluate(async (context) => {
    const { axe } = window as unknown as { axe: Axe };
    return context ? axe.run(context) : axe.run();
  }, within);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`),
    [],
    `${label}: accessibility violations`,
  );
}

describe('web app in chromium', { skip: !chromium, timeout: 240_000 }, () => {
  before(async () => {
    // The browser starts while the store is created and migrated.
    const launching = launchBrowser(chromium!);
    [store, model] = await Promise.all([createTestPglite(), startFakeModelServer('openai')]);
    [staffSite, publicSite] = await Promise.all([
      startWebServer(store, model),
      startWebServer(store, model, { ZANTARA_PUBLIC_CHAT: '1', ZANTARA_GUEST_RATE: '2/600' }),
    ]);
    clientKey = await staffSite.key('client', 'Marco Client');
    adminKey = await staffSite.key('admin', 'Dewi Admin');
    browser = await launching;
  });
  after(async () => {
    await browser?.close();
    await staffSite?.close();
    await publicSite?.close();
    await model?.close();
    await store?.close();
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SHOTS, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no script errors or CSP violations in any page');
  });

  test('first load of the chat stays under 150 KB of JavaScript (gzip)', async () => {
    const { context, page } = await newPage();
    await page.goto(`${staffSite.url}/`);
    await page.waitForLoadState('networkidle');
    const js = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\.m?js(\?|$)/.test(e.name))
        .map((e) => ({ name: e.name, bytes: (e as PerformanceResourceTiming).encodedBodySize })),
    );
    const total = js.reduce((n, f) => n + f.bytes, 0);
    console.log(
      `# chat first load: ${js.length} JavaScript files, ${total} bytes gzip (${(total / 1024).toFixed(1)} KB)`,
    );
    assert.ok(
      js.some((f) => f.name.endsWith('/vendor/marked.esm.js')) && js.some((f) => f.name.endsWith('/assets/chat.js')),
    );
    assert.ok(total > 0 && total <= 150 * 1024, `${total} bytes`);
    await context.close();
  });

  test('a client signs in, gets a streamed Markdown answer with its sources, and finds it again after a reload', async () => {
    model.enqueue(
      { toolCalls: [{ name: 'team-departments', args: {} }], usage: USAGE },
      {
        text: 'Our **Setup** team handles visas.\n\n| Team | Handles |\n|---|---|\n| Setup | KITAS |\n\nSee [our site](https://example.com/kitas).',
        usage: USAGE,
      },
    );
    const { context, page } = await newPage();
    await signInChat(page, staffSite.url, clientKey);
    // The key is exchanged for an HttpOnly, SameSite=Strict cookie and kept nowhere in the page.
    const cookie = (await context.cookies()).find((c) => c.name === 'zt_session');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    );
    assert.ok(!stored.includes(clientKey), 'the key is not stored in the browser');

    const stream = page.waitForResponse((r) => r.url().endsWith('/v1/chat'));
    await ask(page, 'Which team would handle my paperwork? Write a poem about it.');
    const response = await stream;
    assert.match(response.headers()['content-type'] ?? '', /text\/event-stream/);
    const tokens = (await response.text()).match(/^event: token$/gm)?.length ?? 0;
    assert.ok(tokens >= 3, `the answer arrived as ${tokens} streamed token events`);
    const answer = page.locator('.msg.assistant').last();
    await assert.doesNotReject(answer.locator('strong', { hasText: 'Setup' }).waitFor());
    assert.equal(await answer.locator('table td').first().textContent(), 'Setup');
    assert.equal(await answer.locator('a').getAttribute('rel'), 'noopener noreferrer');
    assert.match((await answer.locator('.meta').textContent()) ?? '', /Looked up: team\.departments/);

    await page.reload();
    await page.locator('.msg.assistant').first().waitFor();
    assert.equal(
      await page.locator('.msg.user .body').first().textContent(),
      'Which team would handle my paperwork? Write a poem about it.',
    );
    assert.match((await page.locator('.msg.assistant .meta').first().textContent()) ?? '', /team\.departments/);

    // The interface follows the language chosen, and remembers it.
    await page.getByLabel('Language').selectOption('it');
    assert.equal(await page.getByRole('button', { name: 'Nuova conversazione' }).isVisible(), true);
    await page.reload();
    await page.locator('.msg.assistant').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'it');
    await page.getByRole('button', { name: 'Nuova conversazione' }).click();
    assert.equal(await page.locator('.msg').count(), 0);
    await page.getByLabel('Lingua').selectOption('en');
    await context.close();
  });

  test('an action the model proposes waits for the team; approved in the console, the client sees it done', async () => {
    const { context: staffContext, page: console_ } = await newPage();
    // The live feed is open before the action is proposed, so the queue must update without a reload.
    const feed = console_.waitForResponse((r) => r.url().includes('/v1/events'));
    await signInConsole(console_, staffSite.url, adminKey);
    await console_.locator('#view h1', { hasText: 'Approvals' }).waitFor();
    assert.equal((await feed).status(), 200);

    model.enqueue(
      { toolCalls: [{ name: 'team-departments', args: {} }], usage: USAGE },
      {
        text:
          'Our **Setup** team takes care of it:\n\n- visas and **KITAS** stay permits\n- KITAP\n- setting up your PT PMA company\n\n' +
          'Tell me your name and e-mail and I will ask them to follow up.',
        usage: USAGE,
      },
      {
        toolCalls: [
          {
            name: 'lead-save',
            args: { name: 'Anna Rossi', email: 'anna@example.com', services: ['E33G'], source: 'chat' },
          },
        ],
        usage: USAGE,
      },
      { text: 'I have passed your details to the team: they will confirm shortly.', usage: USAGE },
    );
    const { context, page } = await newPage();
    await signInChat(page, staffSite.url, clientKey);
    await ask(page, 'Who at Bali Zero handles a remote worker visa? Describe them in a short poem.');
    await ask(page, 'Save my details so the team can follow up: Anna Rossi, anna@example.com.');
    const card = page.locator('.action-card').last();
    assert.equal(await card.locator('.status').textContent(), 'Waiting for the team');

    const item = console_.locator('article.approval', { hasText: 'Save a new lead: Anna Rossi, anna@example.com' });
    await item.waitFor({ timeout: 20_000 });
    await console_.screenshot({ path: join(SHOTS, 'console-approvals.png') });
    await axe(console_, 'console approvals');
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.waitFor({ state: 'detached' }); // the decision reaches the queue through the live feed

    await page.locator('.action-card.executed').waitFor({ timeout: 20_000 });
    assert.equal(await card.locator('.status').textContent(), 'Done — approved by the team');
    const { rows } = await store.query<{ name: string }>(`SELECT name FROM leads WHERE email = 'anna@example.com'`);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Anna Rossi'],
    );
    await page.screenshot({ path: join(SHOTS, 'chat.png') });
    await context.close();
    await staffContext.close();
  });

  test('model output and client messages with HTML never run as script', async () => {
    model.enqueue({
      text: 'Here: <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) done.',
      usage: USAGE,
    });
    const { context, page } = await newPage();
    await signInChat(page, staffSite.url, clientKey);
    const attack = '<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>';
    await ask(page, attack);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('#messages img, #messages script').count(), 0);
    assert.equal(
      await page.locator('.msg.user .body').last().textContent(),
      attack,
      'the client message is shown as text',
    );
    const hrefs = await page
      .locator('.msg.assistant a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(
      hrefs.every((h) => h === null || !/^javascript:/i.test(h)),
      String(hrefs),
    );
    await context.close();

    // The same text shown to staff in the traces is text too.
    const staff = await newPage();
    await signInConsole(staff.page, staffSite.url, adminKey);
    await staff.page.getByRole('button', { name: 'Conversations' }).click();
    await staff.page.locator('table.data').first().waitFor();
    await staff.page.getByLabel('Channel').selectOption('web');
    await staff.page.getByRole('button', { name: 'Search' }).click();
    await staff.page.locator('table.data tbody tr td:nth-child(3)').first().waitFor();
    const channels = await staff.page
      .locator('table.data')
      .first()
      .locator(':scope > tbody > tr:not(.trace-detail) > td:nth-child(3)')
      .allTextContents();
    assert.ok(channels.length >= 4 && channels.every((c) => c === 'web'), channels.join());
    await staff.page.getByRole('button', { name: 'Details' }).first().click();
    assert.equal(await staff.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.match((await staff.page.locator('.trace-detail p').first().textContent()) ?? '', /<img src=x onerror=/);
    await staff.page.screenshot({ path: join(SHOTS, 'console-traces.png') });
    await staff.context.close();
  });

  test('the cost chart shows the turns just made; every console view passes axe and works by keyboard', async () => {
    await staffSite.runtime.service(orchestratorService).idle();
    const calls = model.requests.length;
    const { context, page } = await newPage();
    await signInConsole(page, staffSite.url, adminKey);
    await page.getByRole('button', { name: 'Costs & performance' }).click();
    const spendChart = page.locator('section.chart', { hasText: 'Spend per day and provider' });
    await spendChart.locator('canvas').waitFor();
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(
      await spendChart.locator('.sr-only tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent)),
      [`${today}${usd(calls * COST_PER_CALL)}`],
    );
    assert.equal(
      await page.locator('.stat', { hasText: 'Spend' }).locator('.value').textContent(),
      usd(calls * COST_PER_CALL),
    );
    await page.locator('section.chart', { hasText: 'Turn latency by route' }).locator('canvas').waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-costs.png'), fullPage: true });
    await axe(page, 'console costs');

    // A message recorded in sandbox mode: the outbox must not present it as sent.
    await store.query(
      `INSERT INTO outbox (id, idempotency_key, channel, destination, payload, status)
       VALUES ('00000000-0000-4000-8000-0000000000aa', 'web-test-1', 'whatsapp', '+62 811 0000 0000', '{}', 'sandboxed')`,
    );
    for (const name of ['Outbox', 'Leads', 'Team', 'Knowledge', 'Keys & config', 'Conversations']) {
      await page.getByRole('button', { name, exact: true }).click();
      await page.waitForFunction(
        (n) =>
          document.querySelector('[aria-current="page"]')?.textContent?.startsWith(n) &&
          !document.querySelector('#view')?.textContent?.startsWith('Loading'),
        name,
      );
      await axe(page, `console ${name}`, '#view');
      if (name === 'Outbox') {
        const row = page.getByRole('row', { name: /\+62 811 0000 0000/ });
        assert.equal(await row.locator('.badge').textContent(), 'not sent (sandbox)');
      }
      if (name === 'Leads') {
        await page.getByLabel('Status of Anna Rossi').selectOption('contacted');
        await page.getByText('Anna Rossi: contacted.').waitFor();
        const { rows } = await store.query<{ status: string }>(
          `SELECT status FROM leads WHERE email = 'anna@example.com'`,
        );
        assert.deepEqual(rows, [{ status: 'contacted' }]);
      }
    }
    // Keyboard: Tab reaches the section buttons, Enter opens one.
    await page.getByRole('button', { name: 'Leads', exact: true }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Team');
    await page.keyboard.press('Enter');
    await page.locator('#view h1', { hasText: 'Team directory' }).waitFor();
    await page.getByLabel('Id', { exact: true }).fill('tax-manager');
    await page.getByLabel('Name', { exact: true }).fill('Dewi Lestari');
    await page.getByLabel('Department').selectOption('tax');
    await page.getByLabel('Role').fill('Tax manager');
    await page.getByLabel('Languages (en, it, id)').fill('id, en');
    await page.getByRole('button', { name: 'Save member' }).click();
    await page.getByRole('cell', { name: 'Dewi Lestari', exact: true }).waitFor();
    await context.close();

    const chat = await newPage();
    await signInChat(chat.page, staffSite.url, clientKey);
    await axe(chat.page, 'chat');
    await chat.context.close();
  });

  test('sign-in, sign-out and CSRF: a change without the session token is refused', async () => {
    const { context, page } = await newPage();
    await page.goto(`${staffSite.url}/console`);
    await page.getByLabel('API key').fill('zt_this-key-does-not-exist-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key is unknown or revoked.').waitFor();
    await page.getByLabel('API key').fill(clientKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The console is for staff and admin keys.').waitFor();

    await signInConsole(page, staffSite.url, adminKey);
    const forged = await page.evaluate(async () => {
      const res = await fetch('/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'keys.create', params: { role: 'admin', name: 'forged' } }),
      });
      return { status: res.status, body: await res.json() };
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error, 'csrf_failed');
    const { rows } = await store.query(`SELECT 1 FROM api_keys WHERE name = 'forged'`);
    assert.equal(rows.length, 0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    const after = await page.evaluate(async () => (await fetch('/v1/actions')).status);
    assert.equal(after, 401);
    assert.equal(
      (await context.cookies()).some((c) => c.name === 'zt_session'),
      false,
    );
    await context.close();
  });

  test('when the model provider fails, the chat says so clearly and keeps working', async () => {
    model.enqueue({ status: 503, message: 'overloaded' });
    const { context, page } = await newPage();
    await signInChat(page, staffSite.url, clientKey);
    await page.getByLabel('Your message').fill('Write me a haiku about the ocean.');
    await page.getByLabel('Your message').press('Enter');
    await page.locator('#status', { hasText: 'Our AI model is unavailable right now' }).waitFor();
    assert.equal(await page.locator('#status').getAttribute('role'), 'status');
    assert.equal(await page.getByRole('button', { name: 'Send' }).isEnabled(), true);
    await context.close();
  });

  test('a guest of the public chat: read handlers only, a contact left for approval, then the rate limit', async () => {
    model.enqueue({ text: 'A KITAS is a limited stay permit.', usage: USAGE });
    const { context, page } = await newPage();
    await page.goto(`${publicSite.url}/`);
    await page.locator('#guest-note').waitFor();
    const guest = (await context.cookies()).find((c) => c.name === 'zt_guest');
    assert.equal(guest?.httpOnly, true);
    assert.equal(guest?.sameSite, 'Strict');
    await ask(page, 'Tell me a short story about the ocean.');
    const offered = (model.requests.at(-1)!.body.tools as Array<{ function: { name: string } }>).map((t) =>
      t.function.name.replaceAll('-', '.'),
    );
    const effects = offered.map((k) => publicSite.runtime.service(handlerRegistry).get(k)?.effect);
    assert.ok(offered.length > 0 && effects.every((e) => e === 'read'), `guest tools: ${offered.join(', ')}`);
    assert.equal(
      await page.evaluate(
        async () =>
          (
            await fetch('/call', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ key: 'team.list' }),
            })
          ).status,
      ),
      401,
    );

    await page.getByText('Leave your contact').click();
    await page.getByLabel('Name').fill('Guest Visitor');
    await page.getByLabel('E-mail').fill('guest@example.com');
    await page.getByRole('button', { name: 'Send my contact' }).click();
    await page.getByText('Your contact is waiting for the team').waitFor();
    const { rows } = await store.query<{ handler_key: string; status: string }>(
      `SELECT handler_key, status FROM pending_actions WHERE params->>'email' = 'guest@example.com'`,
    );
    assert.deepEqual(rows, [{ handler_key: 'lead.save', status: 'pending' }]);

    const requestsBefore = model.requests.length;
    await page.getByLabel('Your message').fill('One more question?');
    await page.getByLabel('Your message').press('Enter');
    await page.locator('#status', { hasText: 'Please wait' }).waitFor();
    assert.equal(model.requests.length, requestsBefore, 'a refused turn never reaches the model');
    await context.close();
  });
});
