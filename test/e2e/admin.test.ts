/**
 * Cameras added through the admin page survive a restart of the server on the same data dir; a browser camera comes
 * with its publish link and QR code; the session (in the database) survives the restart too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { loginAs } from '../support/auth.ts';
import { launchBrowser, logPage } from '../support/browser.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';

describe('admin page', () => {
  let server: ServerProcess | undefined;
  let dataDir: string | undefined;
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  test('validates, adds RTSP and browser cameras, and lists them again after a server restart', async () => {
    assert.ok(browser);
    // The restarted server reuses this folder; the first server must not delete it when it closes.
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-e2e-admin-'));
    try {
      server = await startServerProcess({ dataDir });
      const page = await browser.newPage();
      logPage(page, 'admin');
      await loginAs(page, server, 'admin', '/admin');

      // Client-side validation with the contract's schema, shown next to the field; nothing is created.
      await page.getByLabel('Name', { exact: true }).fill('Loading dock');
      await page.getByLabel('RTSP URL').fill('http://not-rtsp.example');
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.waitForSelector('[data-error-for="rtspUrl"]');
      assert.match((await page.textContent('[data-error-for="rtspUrl"]')) ?? '', /rtsp/);
      assert.equal(await page.locator('tbody tr').count(), 0);

      // A disabled RTSP camera (so the server does not try to reach the address) and a browser camera.
      await page.getByLabel('RTSP URL').fill('rtsp://user:secret@192.0.2.10:554/stream1');
      await page.getByLabel('Enabled').uncheck();
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.waitForSelector('tbody tr:has-text("Loading dock")');
      await page.getByLabel('Kind').selectOption('browser');
      await page.getByLabel('Name', { exact: true }).fill('Reception tablet');
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.waitForSelector('tbody tr:has-text("Reception tablet")');
      // Its publish link, shown once: the camera page with the token in the fragment, and a QR code of it.
      const link = (await page.textContent('[data-publish-link] [data-publish-url]')) ?? '';
      assert.match(link, new RegExp(`^${server.url}/camera#token=[\\w-]{40,}$`));
      assert.equal(await page.locator('[data-publish-link] img[data-qr]').count(), 1);
      assert.equal(await page.getAttribute('tbody tr:has-text("Reception tablet") td[data-link]', 'data-link'), 'active');
      const before = await listedNames(page);
      assert.deepEqual(before, ['Loading dock', 'Reception tablet']);
      // Credentials never reach the page.
      assert.doesNotMatch((await page.textContent('tbody')) ?? '', /secret/);

      // A real restart: a new process (Next.js cannot be loaded twice in one process). The page stays open, its
      // websocket connected: close() must not wait on it.
      await server.close();
      server = await startServerProcess({ dataDir });
      await page.goto(`${server.url}/admin`);
      await page.waitForSelector('tbody tr:has-text("Reception tablet")', { timeout: 30_000 });
      assert.deepEqual(await listedNames(page), ['Loading dock', 'Reception tablet']);
      assert.equal(await page.getAttribute('tbody tr:has-text("Loading dock")', 'data-enabled'), 'false');
    } finally {
      await server?.close();
      server = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function listedNames(page: import('playwright-core').Page): Promise<string[]> {
  return (await page.locator('tbody tr td:first-child').allTextContents()).map((text) => text.trim());
}
