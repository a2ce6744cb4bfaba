/**
 * Access control in the browser, as people meet it: a wrong password is refused on the login page; the admin adds a
 * browser camera and gets its publish link with a QR code; a phone (another browser, never signed in) opens the link
 * and publishes; the operator's console plays it and offers no admin pages; the admin revokes the link and the phone
 * stops at once, saying why; a link revoked while its page waits for the tap is refused at the tap, saying why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiAs, createBrowserCamera, loginAs, TEST_ADMIN } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, startCamera, waitForTilePlaying } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('sign-in, publish links and revocation in the browser', () => {
  let server: TestServer;
  const browsers: Browser[] = [];
  before(async () => {
    server = await startTestServer({ web: true });
  });
  after(async () => {
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
    await server?.close();
  });

  test('admin makes a camera, a phone publishes from its link, the operator watches, a revoked link stops the phone', async () => {
    const office = await launchBrowser();
    const phone = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
    browsers.push(office, phone);

    // The login page refuses a wrong password and says so; nothing else opens without signing in.
    const adminContext = await office.newContext();
    const admin = await adminContext.newPage();
    logPage(admin, 'admin');
    await admin.goto(`${server.url}/admin`);
    await admin.waitForURL(/\/login\?next=%2Fadmin$/);
    await admin.getByLabel('Username').fill(TEST_ADMIN.username);
    await admin.getByLabel('Password').fill('not the password at all');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForSelector('[data-login-error]');
    await loginAs(admin, server, 'admin', '/admin');

    // The admin adds a browser camera: its publish link and QR code are shown.
    await admin.getByLabel('Kind').selectOption('browser');
    await admin.getByLabel('Name', { exact: true }).fill('Front desk phone');
    await admin.getByRole('button', { name: 'Add camera' }).click();
    const publishUrl = (await admin.textContent('[data-publish-link] [data-publish-url]', { timeout: 30_000 })) ?? '';
    assert.match(publishUrl, /\/camera#token=[\w-]{40,}$/);
    assert.equal(await admin.locator('[data-publish-link] img[data-qr]').count(), 1);

    // The phone was never signed in: the link alone makes it that camera.
    const camera = await phone.newPage();
    logPage(camera, 'phone');
    const cameraId = await startCamera(camera, publishUrl);
    assert.equal(await admin.getAttribute('[data-publish-link]', 'data-camera-id'), cameraId);

    // The operator signs in (another browser profile) and watches it; no admin pages for them.
    const operatorContext = await office.newContext();
    const console = await operatorContext.newPage();
    logPage(console, 'console');
    await loginAs(console, server, 'operator');
    await waitForTilePlaying(console, cameraId);
    assert.equal(await console.getAttribute('[data-user]', 'data-role'), 'operator');
    assert.equal(await console.locator('nav a[href^="/admin"]').count(), 0);
    assert.equal(await console.locator('nav a[href="/camera"]').count(), 0, 'operators cannot publish: no camera page in their nav');
    // An admin page says it is for admins (no silent redirect), and shows none of its data.
    const adminsOnly = await operatorContext.newPage();
    await adminsOnly.goto(`${server.url}/admin/users`);
    await adminsOnly.waitForSelector('[data-admins-only]');
    assert.match(await adminsOnly.innerText('[data-admins-only]'), /Admins only[\s\S]*operator/i);
    assert.equal(new URL(adminsOnly.url()).pathname, '/admin/users');
    await adminsOnly.close();

    // Revoking the link stops the phone at once and tells it why; it does not come back by itself.
    admin.on('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.locator(`tr[data-camera-id="${cameraId}"]`).getByRole('button', { name: 'Revoke link' }).click();
    await camera.waitForSelector('main[data-status="stopped"][data-stopped="refused"]', { timeout: 15_000 });
    assert.match((await camera.textContent('[role="alert"][data-stopped-reason="refused"]')) ?? '', /revoked/);
    await console.waitForSelector(`article[data-camera-id="${cameraId}"]:not([data-status="live"])`, { timeout: 15_000 });
    await camera.waitForTimeout(1500);
    assert.equal(await camera.getAttribute('main', 'data-status'), 'stopped');
    await admin.waitForSelector(`tr[data-camera-id="${cameraId}"] td[data-link="none"]`);

    // A link revoked while its page waits for the tap (connected, its media device loaded): the tap says why.
    const { camera: waitingCamera, publishUrl: waitingUrl } = await createBrowserCamera(server, 'Waiting room phone');
    const waiting = await phone.newPage();
    logPage(waiting, 'waiting phone');
    await waiting.goto(waitingUrl);
    await waiting.waitForFunction(() => performance.getEntriesByName('publish:device').length > 0, undefined, { timeout: 30_000 });
    const revoked = await (await apiAs(server, 'admin'))(`/api/cameras/${waitingCamera.id}/publish-link`, { method: 'DELETE' });
    assert.equal(revoked.status, 204, await revoked.text());
    await waiting.getByRole('button', { name: 'Start camera' }).click();
    await waiting.waitForSelector('main[data-status="stopped"][data-stopped="refused"]', { timeout: 15_000 });
    assert.match((await waiting.textContent('[role="alert"][data-stopped-reason="refused"]')) ?? '', /publish link is not valid \(revoked/);

    // Signing out ends the operator's session: the console goes back to the login page.
    await console.getByRole('button', { name: 'Sign out' }).click();
    await console.waitForURL(/\/login/);
    await console.goto(`${server.url}/console`);
    await console.waitForURL(/\/login\?next=%2Fconsole$/);
  });
});
