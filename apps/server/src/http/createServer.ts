import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureInferenceSecret } from '@maskwatch/common/inferenceSecret';
import { Database } from '@maskwatch/db/Database';
import { TrainingRunRepository } from '@maskwatch/db/TrainingRunRepository';
import type { AlertEvent, AlertSay } from '@maskwatch/protocol/alerts';
import { INFERENCE_NAMESPACE } from '@maskwatch/protocol/inference';
import type { MetricsSample } from '@maskwatch/protocol/metrics';
import { AlertService } from '../alerts/AlertService.ts';
import { OperatingPoints } from '../alerts/OperatingPoints.ts';
import { SnapshotStore } from '../alerts/SnapshotStore.ts';
import { alertRoutes } from '../api/alerts/alertRoutes.ts';
import { ApiServer } from '../api/ApiServer.ts';
import type { Route } from '../api/Route.ts';
import { adminRoutes } from '../api/routes/adminRoutes.ts';
import { cameraRoutes } from '../api/routes/cameraRoutes.ts';
import { healthRoutes } from '../api/routes/healthRoutes.ts';
import { sessionRoutes } from '../api/routes/sessionRoutes.ts';
import { userRoutes } from '../api/routes/userRoutes.ts';
import { callerOf, type AccessControl } from '../auth/AccessControl.ts';
import { createAccessControl } from '../auth/createAccessControl.ts';
import { refusedSource } from '../cameras/CameraNetworkPolicy.ts';
import { CameraService } from '../cameras/CameraService.ts';
import type { Config } from '../config/Config.ts';
import { SERVER_TIMING, withTiming, type TimingOverrides } from '../config/ServerTiming.ts';
import { InferenceManager } from '../inference/InferenceManager.ts';
import type { InferenceNamespace } from '../inference/NodeLink.ts';
import { IngestManager } from '../ingest/IngestManager.ts';
import { ViewerVideo } from '../viewing/ViewerVideo.ts';
import { createLogger } from '../logger.ts';
import { MediaService } from '../media/MediaService.ts';
import { resolveAnnouncedIps } from '../media/network.ts';
import { registerViewerHandlers } from '../signalling/registerViewerHandlers.ts';
import { metricsRoutes } from '../metrics/metricsRoutes.ts';
import { isMetricsPageRequest, METRICS_PATH, servePrometheus } from '../metrics/prometheusEndpoint.ts';
import { ServerMetrics } from '../metrics/ServerMetrics.ts';
import { modelRunRoutes } from '../modelRuns/modelRunRoutes.ts';
import { pushAlert, pushSay, registerAlertHandlers } from '../signalling/alertSocket.ts';
import { registerMetricsHandlers } from '../signalling/registerMetricsHandlers.ts';
import { SignallingServer } from '../signalling/SignallingServer.ts';
import { ensureCertificate } from '../tls/ensureCertificate.ts';
import { servePage } from './servePage.ts';

const log = createLogger('createServer');

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export type RunningServer = {
  /** Base URL, e.g. `http://127.0.0.1:3000` (the bound port when config.port is 0). */
  url: string;
  /** Whether the Next.js pages are served from this origin. */
  servesWeb: boolean;
  /** Certificate in use when TLS is on. */
  certPath: string | undefined;
  /** Whether that certificate is our self-signed one (main prints how to trust it). */
  selfSigned: boolean;
  /** The first admin, when this start created it with a random password: print it once, store it nowhere. */
  firstAdmin: { username: string; password: string } | undefined;
  /** The parts, for tests and diagnostics. Not a public API. */
  internals: {
    db: Database;
    media: MediaService;
    cameras: CameraService;
    ingest: IngestManager;
    viewing: ViewerVideo;
    signalling: SignallingServer;
    inference: InferenceManager;
    alerts: AlertService;
    metrics: ServerMetrics;
    access: AccessControl;
    /** The REST route table (the access matrix test walks it). */
    routes: readonly Route[];
  };
  /** Closes everything this server opened; safe to call twice. */
  close(): Promise<void>;
};

function tlsEnabled(config: Config): boolean {
  if (config.tls !== 'auto') return config.tls === 'on';
  return !(config.host === '127.0.0.1' || config.host === '::1' || config.host === 'localhost');
}

async function loadNextHandler(webDir: string): Promise<{ handler: RequestHandler; close: () => Promise<void> }> {
  // next is CommonJS: at run time the default import is module.exports, the factory itself.
  type NextFactory = (options: { dev: boolean; dir: string }) => {
    prepare(): Promise<void>;
    getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    close?(): Promise<void>;
  };
  const next = (await import('next')).default as unknown as NextFactory;
  const app = next({ dev: false, dir: webDir });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handler: (req, res) => handle(req, res), close: async () => app.close?.() };
}

export type CreateServerOptions = {
  /** Shorter waits for tests (config/ServerTiming.ts); production uses SERVER_TIMING and the Config. */
  timing?: TimingOverrides;
};

/**
 * Starts Maskwatch: opens the database, the mediasoup workers, socket.io signalling, the REST API, RTSP ingest,
 * and (when built and configured) the Next.js pages, all on one origin. Everything it opens, `close()` closes.
 */
export async function createServer(config: Config, options: CreateServerOptions = {}): Promise<RunningServer> {
  const timing = withTiming(SERVER_TIMING, {
    ...options.timing,
    analysis: { restartAfterMs: config.analysisRestartMs, rebalanceAfterMs: config.analysisRebalanceMs, ...options.timing?.analysis },
  });
  // Each part is closed in reverse order of opening, within one deadline for all: a part that does not finish in
  // time (a dead worker, a child that never answers) is logged and left behind, and the next ones still close.
  const closers: [name: string, close: () => Promise<void> | void][] = [];
  const closeAll = async () => {
    const until = Date.now() + config.stopDeadlineMs;
    for (const [name, close] of closers.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), Math.max(0, until - Date.now()));
        });
        if ((await Promise.race([Promise.resolve().then(close), late])) === 'late')
          log.error({ part: name, deadlineMs: config.stopDeadlineMs }, 'did not close in time; going on without it');
      } catch (error) {
        log.error({ err: error, part: name }, 'error while closing');
      } finally {
        clearTimeout(timer);
      }
    }
  };
  try {
    const db = new Database({ path: config.dbPath });
    closers.push(['database', () => db.close()]);
    const cameras = new CameraService(db);
    // Alerts close before the database (closers run in reverse); retention first fixes what a crash left.
    const alerts = new AlertService({
      db,
      cameras,
      store: new SnapshotStore(join(config.dataDir, 'alerts')),
      config: config.alerts,
      operatingPoints: new OperatingPoints(),
      ...timing.alerts,
    });
    closers.push(['alerts', () => alerts.close()]);
    await alerts.runRetention();

    const tls = tlsEnabled(config);
    const { access, firstAdmin } = await createAccessControl(db, {
      host: config.host,
      tls,
      sessionHours: config.sessionHours,
      allowedHosts: config.allowedHosts,
      adminPassword: config.adminPassword,
      resetAdmin: config.resetAdmin,
    });
    const announcedIps = resolveAnnouncedIps(config.announcedIps);
    const media = await MediaService.create({
      workers: config.workers,
      announcedIps,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
    });
    closers.push(['media', () => media.close()]);

    const webBuilt = existsSync(join(config.webDir, '.next', 'BUILD_ID'));
    if (config.serveWeb === 'on' && !webBuilt) {
      throw new Error(
        `MASKWATCH_SERVE_WEB=on but ${config.webDir}/.next is not built: run npm run build -w @maskwatch/web`,
      );
    }
    let pages: RequestHandler | undefined;
    if (config.serveWeb !== 'off' && webBuilt) {
      const nextApp = await loadNextHandler(config.webDir);
      pages = nextApp.handler;
      closers.push(['pages', nextApp.close]);
    }

    const metrics = new ServerMetrics({ cameras, media, intervalMs: timing.metricsIntervalMs });
    closers.push(['metrics', () => metrics.close()]);
    await metrics.start();

    // Every REST route, each declaring who may call it (see api/Route.ts); features add their own list here.
    const api = new ApiServer(
      [
        ...healthRoutes(media.pool),
        ...sessionRoutes(access),
        ...cameraRoutes(cameras, access),
        ...userRoutes(access),
        ...adminRoutes(access),
        ...alertRoutes(alerts, access.audit),
        ...metricsRoutes(metrics),
        ...modelRunRoutes(new TrainingRunRepository(db), config.modelsManifest),
      ],
      { identify: (req) => callerOf(access, req), originProblem: (req) => access.guard.originProblem(req) },
    );
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      // A Host that is not ours: a DNS-rebinding page, or a misdirected request. Nothing is served to it.
      if (!access.guard.hostAllowed(req)) {
        req.resume();
        res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('unknown host\n');
        return;
      }
      const handler: RequestHandler = ApiServer.matches(pathname)
        ? (rq, rs) => api.handle(rq, rs)
        : pathname === METRICS_PATH && !(pages && isMetricsPageRequest(req))
          ? (rq, rs) => servePrometheus(rq, rs, metrics, config.metricsToken)
          : pages
            ? (rq, rs) => {
                const crossSite = access.guard.originProblem(rq);
                if (crossSite) {
                  rq.resume();
                  rs.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`${crossSite}\n`);
                  return;
                }
                return servePage(access, pages, rq, rs);
              }
            : (_rq, rs) => {
                rs.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
                rs.end('The web app is not built here (npm run build -w @maskwatch/web). The API is under /api.\n');
              };
      Promise.resolve(handler(req, res)).catch((error: unknown) => {
        log.error({ err: error, url: req.url }, 'request handler failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    };

    const certificate = tls
      ? await ensureCertificate(
          config.dataDir,
          config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined,
        )
      : undefined;
    const httpServer = certificate
      ? createHttpsServer({ cert: certificate.cert, key: certificate.key }, onRequest)
      : createHttpServer(onRequest);
    // Slow or idle clients must not hold sockets forever.
    httpServer.requestTimeout = 30_000;
    httpServer.headersTimeout = 15_000;
    // An idle keep-alive connection is closed after this long. Node's 5 s races clients that reuse a connection
    // after about as long (a request written as the server closes is reset): longer than clients' own idle limits.
    httpServer.keepAliveTimeout = 65_000;
    // Closers run in reverse: signalling first, so its upgraded websockets (which closeAllConnections does not
    // reach) are gone before the HTTP server waits for its connections to end.
    closers.push([
      'http',
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
    ]);
    const signalling = new SignallingServer(httpServer, cameras, media, access);
    closers.push(['signalling', () => signalling.close()]);
    // What each viewer consumes: the camera's video, or a VP8 copy for browsers that cannot receive it.
    const viewing = new ViewerVideo({
      cameras,
      media,
      ffmpegPath: config.ffmpegPath,
      transcode: config.viewerTranscode,
      portRange: { min: config.rtcMinPort, max: config.rtcMaxPort },
    });
    closers.push(['viewer video', () => viewing.close()]);
    signalling.addHandlers((ctx) => registerViewerHandlers(ctx, viewing));
    // The alert feed: its requests, and every stored alert change pushed (after the database write).
    signalling.addHandlers((ctx) => registerAlertHandlers(ctx, alerts));
    const onAlert = (event: AlertEvent) => pushAlert(signalling.io, event, cameras.publisherOf(event.alert.cameraId));
    const onSay = (say: AlertSay) => pushSay(signalling.io, say, cameras.publisherOf(say.cameraId));
    alerts.on('alert', onAlert);
    alerts.on('say', onSay);
    closers.push([
      'alert pushes',
      () => {
        alerts.off('alert', onAlert);
        alerts.off('say', onSay);
      },
    ]);
    signalling.addHandlers((ctx) => registerMetricsHandlers(ctx, metrics.intervalMs));
    metrics.attachSockets(signalling);
    const onSample = (sample: MetricsSample) => signalling.pushMetrics(sample);
    metrics.on('sample', onSample);
    closers.push(['metrics pushes', () => void metrics.off('sample', onSample)]);
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });

    // Live analysis: inference nodes connect to /inference with the shared secret; their results go to viewers.
    const inference = new InferenceManager({
      // The same socket.io server, another contract: the namespace is typed with the /inference event maps.
      namespace: signalling.io.of(INFERENCE_NAMESPACE) as unknown as InferenceNamespace,
      cameras,
      media,
      secret: ensureInferenceSecret(config.dataDir, config.inferenceSecret),
      listenIp: config.inferenceListenIp,
      ...timing.analysis,
      layerMargin: config.analysisLayerMargin,
    });
    closers.push(['inference', () => inference.close()]);
    inference.on('results', (result) => signalling.pushResults(result));
    // The alert rule runs on every result, and asks the node that holds the frame for its snapshot.
    alerts.attach(inference);
    metrics.attachResults(inference);
    metrics.attachFirstResults(inference);
    metrics.attachNodeStats(inference);
    metrics.attachAlerts(alerts);
    inference.start();

    const ingest = new IngestManager({
      cameras,
      media,
      ffmpegPath: config.ffmpegPath,
      mode: config.rtspMode,
      // The camera network policy, checked again before each start (a name may resolve elsewhere by now).
      refusedSource: (url) => refusedSource(url, access.settings.get().cameraNetworks),
      timing: timing.ingest,
    });
    // Ingest closes before the media service (closers run in reverse).
    closers.push(['ingest', () => ingest.close()]);
    const onSettings = () => ingest.recheckSources();
    access.settings.on('changed', onSettings);
    closers.push(['settings listener', () => void access.settings.off('changed', onSettings)]);
    ingest.start();

    const { port } = httpServer.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `${certificate ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    log.info(
      { url, workers: config.workers, announcedIps, tls, servesWeb: pages !== undefined, db: config.dbPath },
      'listening',
    );

    let closing: Promise<void> | undefined;
    return {
      url,
      servesWeb: pages !== undefined,
      certPath: certificate?.certPath,
      selfSigned: certificate !== undefined && !(config.tlsCert && config.tlsKey),
      firstAdmin,
      internals: { db, media, cameras, ingest, viewing, signalling, inference, alerts, metrics, access, routes: api.table.routes },
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
