/**
 * A real Prometheus for tests (Debian's `prometheus` package, infra/apt-packages.txt): a generated config scraping
 * the given targets every second, on a free port, with its data in a temp folder removed on close.
 *
 *   const prom = await startPrometheus({ 'maskwatch-server': 'http://127.0.0.1:41234' });
 *   await prom.waitFor('up{job="maskwatch-server"} == 1');   // polls the HTTP API until the query has a result
 *   const [value] = await prom.values('maskwatch_inference_nodes');
 *   await prom.close();
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './rtsp.ts';

export type Prometheus = {
  url: string;
  /** The instant query's results (metric labels and value). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  values(expr: string): Promise<number[]>;
  /** Polls until `expr` has at least one result; returns them. */
  waitFor(expr: string, timeoutMs?: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** The targets as Prometheus sees them (health, last error). */
  targets(): Promise<{ job: string; health: string; lastError: string; scrapeUrl: string }[]>;
  close(): Promise<void>;
};

type QueryAnswer = { status: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };

/** `targets`: job name -> base URL of a Maskwatch process (its `/metrics` is scraped). */
export async function startPrometheus(targets: Record<string, string>, options: { bearerToken?: string } = {}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'maskwatch-prometheus-'));
  const port = await freeTcpPort();
  const jobs = Object.entries(targets).map(([job, base]) => {
    const url = new URL(base);
    return [
      `  - job_name: ${JSON.stringify(job)}`,
      `    metrics_path: /metrics`,
      `    scheme: ${url.protocol.replace(':', '')}`,
      ...(options.bearerToken ? [`    authorization: { type: Bearer, credentials: ${JSON.stringify(options.bearerToken)} }`] : []),
      `    static_configs: [{ targets: [${JSON.stringify(url.host)}] }]`,
    ].join('\n');
  });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs.join('\n')}\n`);
  const proc = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await close();
      throw new Error(`prometheus exited at start: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus not ready in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const query = async (expr: string) => {
    const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as QueryAnswer;
    if (answer.status !== 'success' || !answer.data) throw new Error(`query ${expr} failed: ${answer.error ?? answer.status}`);
    return answer.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  const targetList = async () => {
    const answer = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; health: string; lastError: string; scrapeUrl: string }[] };
    };
    return answer.data.activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError, scrapeUrl: t.scrapeUrl }));
  };
  return {
    url,
    query,
    values: async (expr) => (await query(expr)).map((r) => r.value),
    async waitFor(expr, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const result = await query(expr);
        if (result.length > 0) return result;
        if (Date.now() > until) {
          const targets = await targetList().catch(() => []);
          throw new Error(`no result for ${expr} within ${timeoutMs} ms; targets: ${JSON.stringify(targets)}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    targets: targetList,
    close,
  };
}

/** `promtool check metrics` on the text; throws with promtool's complaints. */
export async function promtoolCheck(text: string): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  try {
    execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const out = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`promtool check metrics failed: ${String(out.stderr ?? '')}${String(out.stdout ?? '')}`);
  }
}
