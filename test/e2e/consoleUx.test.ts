/**
 * The control room's console in real Chromium on a 1440x900 screen in another time zone (Asia/Kolkata, UTC+05:30):
 * tiles that grow with the screen and show whole names, pages, a tile enlarged beside (not under) the alerts panel,
 * keyboard shortcuts and their `?` list, browser full screen, alerts acknowledged as the signed-in account with
 * times in the browser's zone (CSV too), "admins only" instead of a redirect, the help page, and every tile saying
 * "unknown" once the server is gone. Alerts come through the server's input seam (test/support/resultFeed.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AuditListResponseSchema } from '@maskwatch/protocol/auth';
import { apiAs, createBrowserCamera, joinedCamera, loginAs } from '../support/auth.ts';
import { launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { ResultFeed } from '../support/resultFeed.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ZONE = 'Asia/Kolkata';
/** Names long enough that a 340 px tile cut them ("East entrance, loa…"). */
const NAMES = ['East entrance, loading bay 2', 'North stairwell, level 3', 'Reception and visitor desk'];

describe('control room console (Chromium, 1440x900, Asia/Kolkata)', () => {
  let server: TestServer;
  let feed: ResultFeed;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cameraId: string;
  const socketsToClose: { close(): void }[] = [];

  before(async () => {
    feed = await ResultFeed.create();
    server = await startTestServer({ web: true });
    server.internals.alerts.attach(feed);
    for (const name of NAMES) await createBrowserCamera(server, name);
    const joined = await joinedCamera(server, 'West gate with a very long camera name');
    cameraId = joined.cameraId;
    socketsToClose.push(joined.socket);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: ZONE });
    page = await context.newPage();
    logPage(page, 'console');
    await loginAs(page, server, 'operator', '/console');
  });
  after(async () => {
    for (const socket of socketsToClose) socket.close();
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  test('tiles fill the screen with whole names; pages; enlarged beside the alerts; shortcuts, ? list and full screen', async () => {
    await page.waitForSelector('[data-grid] article:nth-of-type(4)');
    assert.equal(await page.getAttribute('[data-grid] > div', 'data-columns'), '2');
    assert.equal(await page.getAttribute('[data-grid] > div', 'data-rows'), '2');
    const tiles = await page.$$eval('[data-grid] article', (articles) =>
      articles.map((article) => {
        const name = article.querySelector('h2') as HTMLElement;
        return { width: article.getBoundingClientRect().width, height: article.getBoundingClientRect().height, cut: name.scrollWidth > name.clientWidth };
      }),
    );
    for (const tile of tiles) {
      assert.ok(tile.width > 500 && tile.height > 300, `a tile is ${tile.width}x${tile.height} on a 1440x900 screen`);
      assert.equal(tile.cut, false, 'a camera name is cut');
    }
    // Operators are offered only what they can use.
    assert.equal(await page.locator('nav a[href="/camera"], nav a[href^="/admin"]').count(), 0);
    assert.equal(await page.locator('nav a[href="/help"]').count(), 1);

    await page.keyboard.press('?');
    await page.waitForSelector('[data-shortcuts]');
    assert.match(await page.innerText('[data-shortcuts]'), /Full screen[\s\S]*Cameras per page/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-shortcuts]', { state: 'detached' });

    await page.keyboard.press('2');
    const second = '[data-grid] article:nth-of-type(2)';
    await page.waitForSelector(`${second}[data-focused="true"]`);
    const [enlarged, feed] = await Promise.all(
      [second, 'aside[aria-label="Alerts"]'].map((selector) => page.$eval(selector, (element) => element.getBoundingClientRect().toJSON() as DOMRect)),
    );
    assert.ok(enlarged!.width > 1000 && enlarged!.right <= feed!.left, `enlarged ${JSON.stringify(enlarged)}, alerts panel at ${feed!.left}`);
    await page.keyboard.press('f');
    await waitUntil('the enlarged tile in full screen', () =>
      page.evaluate(() => (document.fullscreenElement as HTMLElement | null)?.dataset.cameraId ?? undefined),
    );
    await page.keyboard.press('f');
    await waitUntil('full screen left', () => page.evaluate(() => (document.fullscreenElement === null ? true : undefined)));
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${second}[data-focused="false"]`);

    // One camera per page: four pages; → turns to the next.
    await page.getByRole('toolbar').getByRole('button', { name: '1', exact: true }).click();
    await page.waitForSelector('[data-pages="4"][data-page="1"]');
    const firstName = await page.innerText('[data-grid] article h2');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('[data-pages="4"][data-page="2"]');
    assert.notEqual(await page.innerText('[data-grid] article h2'), firstName);
    await page.getByRole('toolbar').getByRole('button', { name: 'Auto' }).click();
    await page.waitForSelector('[data-grid] article:nth-of-type(4)');

    // A hides the alerts panel and brings it back.
    await page.keyboard.press('a');
    await page.waitForSelector('aside[aria-label="Alerts"]', { state: 'detached' });
    await page.keyboard.press('a');
    await page.waitForSelector('aside[aria-label="Alerts"]');
  });

  test('an alert acknowledged as the signed-in operator, audited; times in the browser zone, CSV too; no settings for operators', async () => {
    feed.play(cameraId, 10, () => [{ trackId: 1, label: 'no_mask' }]);
    const history = await context.newPage();
    logPage(history, 'alerts');
    await history.goto(`${server.url}/alerts`);
    const row = await history.waitForSelector('tr[data-alert-row]');
    const alertId = (await row.getAttribute('data-alert-row'))!;
    // The browser names the zone (Chromium's ICU may call Asia/Kolkata by its older name, Asia/Calcutta).
    const zone = await history.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.match(zone, /^Asia\/(Kolkata|Calcutta)$/);
    assert.ok((await history.innerText('thead')).includes(`${zone} (UTC+05:30)`));
    assert.match((await row.innerText()) ?? '', /GMT\+5:30/);
    assert.equal(await history.getByLabel('Your name').count(), 0);
    assert.equal(await history.getByRole('region', { name: 'Alert settings' }).count(), 0, 'operators cannot change alert settings');
    const csvHref = await history.getAttribute('a[download]', 'href');
    assert.ok(csvHref?.includes(`tz=${encodeURIComponent(zone)}`), csvHref ?? '');

    await history.getByLabel(/^Note/).fill('asked him to put it on');
    await history.locator(`tr[data-alert-row="${alertId}"]`).getByRole('button', { name: 'Acknowledge' }).click();
    await history.waitForSelector(`tr[data-alert-row="${alertId}"] [data-acknowledged-by="operator"]`);

    const audit = AuditListResponseSchema.parse(await (await (await apiAs(server, 'admin'))('/api/audit?limit=20')).json());
    const entry = audit.entries.find((e) => e.action === 'alert.acknowledge' && e.target === alertId);
    assert.equal(entry?.actor, 'operator');
    assert.equal(entry?.detail?.note, 'asked him to put it on');

    const csv = await history.request.get(`${server.url}${csvHref}`);
    const lines = (await csv.text()).trim().split('\r\n');
    const fields = lines.find((line) => line.startsWith(`${alertId},`))?.split(',') ?? [];
    assert.equal(fields.at(-1), zone);
    assert.match(fields[1] ?? '', /\+05:30$/);
    await history.close();
  });

  test('an admin page tells an operator it is for admins; the help page; the admin table says what the analysis does', async () => {
    const other = await context.newPage();
    await other.goto(`${server.url}/admin`);
    await other.waitForSelector('[data-admins-only]');
    assert.match(await other.innerText('[data-admins-only]'), /Admins only/i);
    await other.goto(`${server.url}/help`);
    await other.waitForSelector('[data-help]');
    assert.match(await other.innerText('[data-help]'), /unknown[\s\S]*keyboard shortcuts/i);
    await other.close();

    const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const admin = await adminContext.newPage();
    await loginAs(admin, server, 'admin', '/admin');
    // Analysis on, nothing to analyse yet: the ticked box is not next to "off".
    const cell = await admin.waitForSelector(`tr[data-camera-id="${cameraId}"] [data-analysis-text]`);
    assert.equal(await cell.innerText(), 'on, waiting for video');
    await adminContext.close();
  });

  test('the server goes away: every tile and the header say "unknown", not the state they last heard', async () => {
    await page.waitForSelector('[data-link="online"]');
    await server.close();
    await page.waitForSelector('[data-link="offline"]', { timeout: 15_000 });
    await page.waitForSelector('[data-live-count]:has-text("state unknown")');
    const statuses = await page.$$eval('[data-grid] article', (articles) => articles.map((a) => a.getAttribute('data-status')));
    assert.deepEqual(statuses, ['unknown', 'unknown', 'unknown', 'unknown']);
    assert.equal(await page.locator('[data-grid] [data-badge="live"]').count(), 0);
  });
});
