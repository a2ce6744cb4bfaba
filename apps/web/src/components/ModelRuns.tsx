'use client';
/**
 * /models: the model the system runs now (from the manifest: name, sha256, metrics, operating point), the training
 * runs recorded in SQLite, and one run, or two side by side, drawn from their data: learning curves, per-class
 * metrics, confusion matrices, system usage over time, parameters. The URL keeps the choice (?run=a&compare=b).
 */
import { useCallback, useEffect, useState } from 'react';
import type { LiveModelsResponse, TrainingRunSummary } from '@maskwatch/protocol/modelRuns';
import type { TrainingRun } from '@maskwatch/protocol/training';
import { getLiveModels, getTrainingRun, listTrainingRuns } from '../lib/metricsApi';
import { describeError } from '../lib/signalling';
import { formatPercent } from '../lib/format';
import { NavBar } from './NavBar';
import { RunDetail } from './RunDetail';
import styles from './Dashboard.module.css';
import { useSession } from '../lib/session';
import { formatDateTime } from '../lib/time';

type Choice = { run: string | null; compare: string | null };

function readChoice(): Choice {
  const params = new URLSearchParams(window.location.search);
  return { run: params.get('run'), compare: params.get('compare') };
}

function writeChoice(choice: Choice): void {
  const params = new URLSearchParams();
  if (choice.run) params.set('run', choice.run);
  if (choice.run && choice.compare) params.set('compare', choice.compare);
  const query = params.toString();
  window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
}

export function ModelRuns() {
  const session = useSession('operator');
  const [runs, setRuns] = useState<TrainingRunSummary[] | null>(null);
  const [live, setLive] = useState<LiveModelsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice>({ run: null, compare: null });
  const [loaded, setLoaded] = useState<Map<string, TrainingRun>>(new Map());
  const [runError, setRunError] = useState<string | null>(null);

  useEffect(() => {
    setChoice(readChoice());
    listTrainingRuns()
      .then(setRuns)
      .catch((failure: unknown) => setError(describeError(failure)));
    getLiveModels()
      .then(setLive)
      .catch((failure: unknown) => setLiveError(describeError(failure)));
  }, []);

  // Fetch the chosen runs in full (once each).
  useEffect(() => {
    for (const id of [choice.run, choice.compare]) {
      if (!id || loaded.has(id)) continue;
      getTrainingRun(id)
        .then((run) => setLoaded((current) => new Map(current).set(run.id, run)))
        .catch((failure: unknown) => setRunError(`${id}: ${describeError(failure)}`));
    }
  }, [choice, loaded]);

  const choose = useCallback((next: Choice) => {
    setRunError(null);
    setChoice(next);
    writeChoice(next);
  }, []);

  const shown = [choice.run, choice.compare].flatMap((id) => {
    const run = id ? loaded.get(id) : undefined;
    return run ? [run] : [];
  });
  const liveRun = live?.models.find((model) => model.role === 'classifier')?.trainingRun ?? null;

  return (
    <div className={styles.shell}>
      <NavBar current="/models" session={session}>
        <span>{runs ? `${runs.length} training runs` : ''}</span>
      </NavBar>
      <main className={styles.main}>
        <section className={styles.card} aria-label="Live model">
          <h2 className={styles.heading}>Live model</h2>
          {liveError && <p className={styles.error}>Cannot read the model manifest: {liveError}</p>}
          {live && (
            <div className={styles.twoColumns}>
              {live.models.map((model) => (
                <div key={model.role} data-live-model={model.role}>
                  <h3 className={styles.subheading}>
                    {model.role}: {model.name}
                  </h3>
                  <dl className={styles.keyValues}>
                    <dt>sha256</dt>
                    <dd className={styles.mono} data-sha256={model.sha256}>
                      {model.sha256}
                    </dd>
                    <dt>file</dt>
                    <dd className={styles.mono}>{model.file}</dd>
                    {model.trainingRun && (
                      <>
                        <dt>training run</dt>
                        <dd>
                          <a
                            href={`?run=${encodeURIComponent(model.trainingRun)}`}
                            onClick={(event) => {
                              event.preventDefault();
                              choose({ run: model.trainingRun, compare: null });
                            }}
                          >
                            {model.trainingRun}
                          </a>
                        </dd>
                      </>
                    )}
                    {typeof model.metrics?.accuracy === 'number' && (
                      <>
                        <dt>accuracy</dt>
                        <dd>{formatPercent(model.metrics.accuracy, 2)}</dd>
                      </>
                    )}
                    {typeof model.metrics?.maskVsNoMaskAccuracy === 'number' && (
                      <>
                        <dt>mask vs no mask</dt>
                        <dd>{formatPercent(model.metrics.maskVsNoMaskAccuracy, 2)}</dd>
                      </>
                    )}
                    {model.role === 'classifier' && (
                      <>
                        <dt>operating point</dt>
                        <dd data-operating-point>
                          {model.operatingPoint
                            ? Object.entries(model.operatingPoint)
                                .map(([key, value]) => `${key} ${typeof value === 'number' ? Number(value.toFixed(4)) : JSON.stringify(value)}`)
                                .join(' · ')
                            : 'not calibrated (the manifest has no operating point): labels are the argmax'}
                        </dd>
                      </>
                    )}
                  </dl>
                </div>
              ))}
            </div>
          )}
          {live && <p className={styles.muted}>From {live.manifest}.</p>}
        </section>

        <section className={styles.card} aria-label="Training runs">
          <h2 className={styles.heading}>Training runs</h2>
          {error && <p className={styles.error}>Cannot load the training runs: {error}</p>}
          {runs && runs.length === 0 && (
            <p className={styles.muted}>
              No runs recorded. Import the committed ones with <span className={styles.mono}>npm run -w @maskwatch/db import-runs -- models</span>.
            </p>
          )}
          {runs && runs.length > 0 && (
            <div className={styles.tableWrap}>
              <table className={styles.table}>
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Model</th>
                    <th>Status</th>
                    <th>Started</th>
                    <th className={styles.num}>Epochs</th>
                    <th className={styles.num}>Best val acc</th>
                    <th className={styles.num}>Test accuracy</th>
                    <th className={styles.num}>Mask vs no mask</th>
                    <th>Compare</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((run) => {
                    const open = run.id === choice.run || run.id === choice.compare;
                    return (
                      <tr
                        key={run.id}
                        data-run-id={run.id}
                        className={`${styles.row} ${open ? styles.selected : ''}`}
                        onClick={() => choose({ run: run.id, compare: null })}
                      >
                        <td className={styles.mono}>
                          {run.id}
                          {run.id === liveRun && <span className={`${styles.badge} ${styles.live}`}> live</span>}
                        </td>
                        <td>{run.model}</td>
                        <td>{run.status}</td>
                        <td>{formatDateTime(Date.parse(run.startedAt))}</td>
                        <td className={styles.num}>{run.epochs}</td>
                        <td className={styles.num}>{formatPercent(run.bestValAcc, 2)}</td>
                        <td className={styles.num}>{formatPercent(run.accuracy, 2)}</td>
                        <td className={styles.num}>{formatPercent(run.maskVsNoMaskAccuracy, 2)}</td>
                        <td onClick={(event) => event.stopPropagation()}>
                          <input
                            type="checkbox"
                            aria-label={`Compare ${run.id}`}
                            disabled={!choice.run || choice.run === run.id}
                            checked={choice.compare === run.id}
                            onChange={(event) => choose({ run: choice.run, compare: event.target.checked ? run.id : null })}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {runs && runs.length > 1 && <p className={styles.muted}>Click a run to open it; tick a second one to compare the two.</p>}
        </section>

        {runError && <p className={styles.error}>Cannot load run {runError}</p>}
        {shown.length > 0 && (
          <>
            <div className={styles.actions}>
              <strong>{shown.map((run) => run.id).join(' vs ')}</strong>
              <button type="button" onClick={() => choose({ run: null, compare: null })}>
                Close
              </button>
            </div>
            <RunDetail runs={shown} />
          </>
        )}
      </main>
    </div>
  );
}
