/**
 * "Live -> first result" with a real browser camera: Chromium's camera page publishes a clip through the SFU, one
 * inference node analyses it, and a viewer times, from the tap on "Start camera": the page going live, the first
 * result, and the first sentence the camera page speaks (an unmasked face). The server's own measure, from the
 * camera going live to its first result (`firstResult`), comes with it. Then analysis is switched off and on again,
 * and the camera page reloaded: the same times for those starts.
 *
 * Used by bench:live (`--first-result N` starts) and runnable alone:
 *   node --import tsx test/bench/firstResult.ts [starts]
 */
import type { Browser, Page } from 'playwright-core';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { apiAs, connectViewer, createBrowserCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, waitUntil } from '../support/browser.ts';
import { call } from '../support/client.ts';
import { startInferenceNode } from '../support/inferenceNode.ts';
import { RECORD_SOUND, soundsOf } from '../support/recordSound.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

export type FirstResultRun = {
  /** What started the analysis. */
  start: 'tap' | 'analysis on' | 'reload';
  /** From the tap (or the switch) to the page live, the first result at the viewer, the first sentence spoken. */
  liveMs: number | null;
  firstResultMs: number | null;
  spokenMs: number | null;
  /** The server's figure: camera live (or analysis wanted) to its first result. */
  serverMs: number | null;
};

const f0 = (n: number | null) => (n === null ? '-' : String(Math.round(n)));

export function formatFirstResult(run: FirstResultRun): string {
  return `  ${run.start.padEnd(11)}: page live ${f0(run.liveMs)} ms, first result ${f0(run.firstResultMs)} ms (server: live -> first result ${f0(run.serverMs)} ms), first sentence spoken ${f0(run.spokenMs)} ms`;
}

/** `starts` taps (a fresh page each), then analysis off/on and a reload of the last page. */
export async function measureFirstResults(server: TestServer, starts: number, clip = 'Gituatu_nomask.mp4'): Promise<FirstResultRun[]> {
  const viewer = await connectViewer(server, 'operator');
  await call(viewer, 'viewer:join', {});
  const results: { at: number; result: FrameResult }[] = [];
  viewer.on('results:frame', (result: FrameResult) => results.push({ at: Date.now(), result }));
  const alerts: { at: number; cameraId: string }[] = [];
  await call(viewer, 'alerts:subscribe', { recent: 0 });
  viewer.on('alert:raised', (event) => alerts.push({ at: Date.now(), cameraId: event.alert.cameraId }));
  // BENCH_DEBUG: the camera's states as the viewer hears them, to see where the time goes.
  const states: { at: number; text: string }[] = [];
  if (process.env.BENCH_DEBUG) {
    const traced = new Set<string>();
    viewer.on('camera:state', (view) => {
      states.push({ at: Date.now(), text: `${view.id} ${view.status} hasVideo=${view.hasVideo} analysis=${view.analysis.status} ${view.analysis.detail ?? ''}` });
      // The producer's key frames in and key frame requests out, as mediasoup sees them.
      const producer = server.internals.cameras.videoOf(view.id)?.producer;
      if (!producer || traced.has(producer.id)) return;
      traced.add(producer.id);
      void producer.enableTraceEvent(['keyframe', 'pli', 'fir']);
      producer.on('trace', (trace) => states.push({ at: Date.now(), text: `${view.id} producer trace ${trace.type} ${trace.direction}` }));
    });
  }
  const said: { at: number; cameraId: string }[] = [];
  const onSay = (say: { cameraId: string }) => said.push({ at: Date.now(), cameraId: say.cameraId });
  server.internals.alerts.on('say', onSay);
  const serverFirst: { at: number; cameraId: string; ms: number }[] = [];
  const onFirst = (cameraId: string, ms: number) => serverFirst.push({ at: Date.now(), cameraId, ms });
  server.internals.inference.on('firstResult', onFirst);
  const browser: Browser = await launchBrowser({ fakeVideo: fakeCameraClip(clip) });
  const runs: FirstResultRun[] = [];
  const firstAfter = (cameraId: string, since: number) => results.find((r) => r.at >= since && r.result.cameraId === cameraId);
  const serverAfter = (cameraId: string, since: number) => serverFirst.find((r) => r.at >= since && r.cameraId === cameraId);
  const spokenAt = async (page: Page, since: number, before: number): Promise<number | null> => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      // When the page asked to say it (its clock is this machine's), not when this loop saw it.
      const at = (await soundsOf(page)).spokenAt[before];
      if (at !== undefined) return at - since;
      await new Promise((r) => setTimeout(r, 25));
    }
    return null;
  };
  const measure = async (start: FirstResultRun['start'], page: Page, cameraId: string, since: number, spokenBefore: number) => {
    const first = await waitUntil('a first result', () => firstAfter(cameraId, since), 30_000).catch(() => undefined);
    const spokenMs = await spokenAt(page, since, spokenBefore);
    if (process.env.BENCH_DEBUG) {
      console.log(`  ${start} at ${since} (ms since the epoch)`);
      for (const state of states.filter((st) => st.at >= since && st.text.startsWith(cameraId))) console.log(`    +${state.at - since} ms ${state.text}`);
      const firstAt = first?.at;
      if (firstAt) console.log(`    +${firstAt - since} ms first result (captured ${first.result.ts - since} ms after the tap)`);
      const voted = results.find((r) => r.at >= since && r.result.cameraId === cameraId && r.result.faces.some((f) => f.trackLabel === 'no_mask'));
      if (voted) console.log(`    +${voted.at - since} ms first result with a track voted no_mask`);
      // The first results' faces: what the alert rule saw.
      for (const r of results.filter((x) => x.at >= since && x.result.cameraId === cameraId).slice(0, 6)) {
        const faces = r.result.faces.map(
          (f) => `${f.label} ${f.score.toFixed(2)} det ${f.detScore?.toFixed(2)} side ${Math.round(Math.max(f.box[2] - f.box[0], f.box[3] - f.box[1]))} track ${f.trackId ?? "-"} age ${f.trackAge ?? "-"} vote ${f.trackLabel ?? '-'} ${f.trackScore?.toFixed(2) ?? ''}`,
        );
        console.log(`    +${r.at - since} ms result (captured +${Math.round(r.result.ts - since)}): ${faces.join(' | ') || 'no face'}`);
      }
      const alert = alerts.find((a) => a.at >= since && a.cameraId === cameraId);
      if (alert) console.log(`    +${alert.at - since} ms alert raised (viewer)`);
      const say = said.find((a) => a.at >= since && a.cameraId === cameraId);
      if (say) console.log(`    +${say.at - since} ms the server tells the camera page to say it`);
      // The page's own steps from the tap (publisher.ts marks them).
      const marks = await page.evaluate(() =>
        performance.getEntriesByType('mark').filter((m) => m.name.startsWith('publish:')).map((m) => [m.name, m.startTime] as const),
      );
      const tapMark = marks.filter(([name]) => name === 'publish:tap').at(-1)?.[1];
      if (tapMark !== undefined)
        console.log(`    page: ${marks.filter(([, t]) => t >= tapMark).map(([name, t]) => `${name.slice(8)} +${Math.round(t - tapMark)}`).join(', ')}`);
    }
    runs.push({
      start,
      liveMs: liveAt === undefined ? null : liveAt - since,
      firstResultMs: first ? first.at - since : null,
      spokenMs,
      serverMs: serverAfter(cameraId, since)?.ms ?? null,
    });
  };
  let liveAt: number | undefined;
  /** Taps "Start camera" as a person would; returns when (the page going live is noted in liveAt). */
  const tap = async (page: Page): Promise<number> => {
    const button = page.getByRole('button', { name: 'Start camera' });
    await button.waitFor();
    // A person taps once the page has loaded (its face guide's detector included, which holds the page for seconds).
    await page.waitForSelector('html[data-face-detector="ready"]', { timeout: 30_000 }).catch(() => undefined);
    liveAt = undefined;
    const at = Date.now();
    await button.click();
    void page.waitForSelector('main[data-status="live"]', { timeout: 30_000 }).then(
      () => (liveAt = Date.now()),
      () => undefined,
    );
    return at;
  };
  let page: Page | undefined;
  let cameraId = '';
  try {
    for (let i = 0; i < starts; i++) {
      await page?.close();
      page = await browser.newPage();
      await page.addInitScript(RECORD_SOUND);
      const camera = await createBrowserCamera(server, `first-result-${Date.now()}-${i}`);
      cameraId = camera.camera.id;
      await page.goto(camera.publishUrl);
      await measure('tap', page, cameraId, await tap(page), 0);
    }
    if (page) {
      const admin = await apiAs(server, 'admin');
      const patch = (analysisEnabled: boolean) => admin(`/api/cameras/${cameraId}`, { method: 'PATCH', json: { analysisEnabled } });
      await patch(false);
      await waitUntil('analysis off', () => server.internals.cameras.viewOf(cameraId).analysis.status === 'off' || undefined);
      await new Promise((r) => setTimeout(r, 1000));
      const spoken = (await soundsOf(page)).spoken.length;
      const since = Date.now();
      liveAt = since;
      await patch(true);
      await measure('analysis on', page, cameraId, since, spoken);

      await page.reload();
      await measure('reload', page, cameraId, await tap(page), 0);
    }
  } finally {
    server.internals.inference.off('firstResult', onFirst);
    server.internals.alerts.off('say', onSay);
    viewer.close();
    await browser.close().catch(() => undefined);
  }
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const starts = Number(process.argv[2] ?? 3);
  const server = await startTestServer({ web: true });
  const node = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'first-result-node' });
  try {
    for (const run of await measureFirstResults(server, starts)) console.log(formatFirstResult(run));
  } finally {
    if (process.env.BENCH_DEBUG) (await import('node:fs')).writeFileSync('/tmp/first-result-node.log', node.output());
    await node.close();
    await server.close();
  }
}
