'use client';
/**
 * /alerts: the history. Filters (camera, label, time range, acknowledged), cursor pagination, the snapshot viewer,
 * acknowledging one or many with a note, CSV export of the filtered list, the compliance chart, per-camera settings.
 * New alerts and changes arrive live (alerts:subscribe).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { alertThumbnailUrl, type Alert, type AlertEvent, type AlertLabel } from '@maskwatch/protocol/alerts';
import { acknowledgeAlerts, filterQuery, listAlerts, type AlertFilters } from '../../lib/alertsApi';
import { useAlertEvents } from '../../hooks/useAlertEvents';
import { useCameras } from '../../hooks/useCameras';
import { NavBar } from '../NavBar';
import { AlertSettingsPanel } from './AlertSettingsPanel';
import { ComplianceChart } from './ComplianceChart';
import { alertStatus, labelText } from './AlertFeed';
import { SnapshotViewer } from './SnapshotViewer';
import styles from './Alerts.module.css';
import { useSession } from '../../lib/session';
import { formatDateTime, timeZone, zoneLabel } from '../../lib/time';

type FormFilters = { cameraId: string; label: '' | AlertLabel; from: string; to: string; acknowledged: '' | 'true' | 'false' };

function toFilters(form: FormFilters): AlertFilters {
  const ms = (local: string): number | undefined => (local ? new Date(local).getTime() : undefined);
  return {
    ...(form.cameraId ? { cameraId: form.cameraId } : {}),
    ...(form.label ? { label: form.label } : {}),
    ...(ms(form.from) !== undefined ? { from: ms(form.from) } : {}),
    ...(ms(form.to) !== undefined ? { to: ms(form.to) } : {}),
    ...(form.acknowledged ? { acknowledged: form.acknowledged === 'true' } : {}),
  };
}

function matches(alert: Alert, f: AlertFilters): boolean {
  return (
    (f.cameraId === undefined || alert.cameraId === f.cameraId) &&
    (f.label === undefined || alert.label === f.label) &&
    (f.from === undefined || alert.raisedAt >= f.from) &&
    (f.to === undefined || alert.raisedAt < f.to) &&
    (f.acknowledged === undefined || (alert.acknowledged !== null) === f.acknowledged)
  );
}

export function AlertsPage() {
  const session = useSession('operator');
  const { sorted: cameras } = useCameras();
  const [form, setForm] = useState<FormFilters>({ cameraId: '', label: '', from: '', to: '', acknowledged: '' });
  const [filters, setFilters] = useState<AlertFilters>({});
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [viewing, setViewing] = useState<Alert | null>(null);
  const [note, setNote] = useState('');
  const [ackError, setAckError] = useState<string | null>(null);
  // The browser's zone, known only in the browser (the server renders no times).
  const [zone, setZone] = useState<{ name: string; label: string } | null>(null);
  useEffect(() => setZone({ name: timeZone(), label: zoneLabel() }), []);

  const load = useCallback((f: AlertFilters, cursor?: string) => {
    setLoading(true);
    listAlerts(f, cursor)
      .then((page) => {
        setAlerts((prev) => (cursor ? [...prev, ...page.alerts.filter((a) => !prev.some((p) => p.id === a.id))] : page.alerts));
        setNext(page.next);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoading(false));
  }, []);

  useEffect(() => {
    setSelected(new Set());
    load(filters);
  }, [filters, load]);

  // Live: new alerts that match the filters appear on top; changes replace the row (and the open viewer).
  useAlertEvents({
    onEvent: (event: AlertEvent): void => {
      const alert = event.alert;
      setAlerts((prev) => {
        if (prev.some((a) => a.id === alert.id)) return prev.map((a) => (a.id === alert.id ? alert : a));
        return event.change === 'raised' && matches(alert, filters) ? [alert, ...prev] : prev;
      });
      setViewing((current) => (current?.id === alert.id ? alert : current));
    },
  });

  // Recorded as the signed-in account (and in the audit log); the note says what was done.
  const acknowledge = (ids: string[]): void => {
    acknowledgeAlerts(ids, note.trim())
      .then((updated) => {
        const byId = new Map(updated.map((a) => [a.id, a]));
        setAlerts((prev) => prev.map((a) => byId.get(a.id) ?? a).filter((a) => matches(a, filters)));
        setViewing((current) => (current ? (byId.get(current.id) ?? current) : null));
        setSelected(new Set());
        setNote('');
        setAckError(null);
      })
      .catch((e: unknown) => setAckError(e instanceof Error ? e.message : String(e)));
  };

  const selectable = useMemo(() => alerts.filter((a) => !a.acknowledged), [alerts]);
  const allSelected = selectable.length > 0 && selectable.every((a) => selected.has(a.id));
  const toggle = (id: string): void =>
    setSelected((prev) => {
      const nextSet = new Set(prev);
      if (nextSet.has(id)) nextSet.delete(id);
      else nextSet.add(id);
      return nextSet;
    });

  return (
    <div className={styles.shell}>
      <NavBar current="/alerts" session={session} />
      <main className={styles.main}>
        <section className={styles.card} aria-label="Filters">
          <form
            className={styles.row}
            onSubmit={(event) => {
              event.preventDefault();
              setFilters(toFilters(form));
            }}
          >
            <div className={styles.field}>
              <label htmlFor="f-camera">Camera</label>
              <select id="f-camera" value={form.cameraId} onChange={(e) => setForm({ ...form, cameraId: e.target.value })}>
                <option value="">All cameras</option>
                {cameras.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div className={styles.field}>
              <label htmlFor="f-label">Label</label>
              <select id="f-label" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value as FormFilters['label'] })}>
                <option value="">Any</option>
                <option value="no_mask">No mask</option>
                <option value="incorrect">Worn incorrectly</option>
              </select>
            </div>
            <div className={styles.field}>
              <label htmlFor="f-from">From{zone ? ` (${zone.name})` : ''}</label>
              <input id="f-from" type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
            </div>
            <div className={styles.field}>
              <label htmlFor="f-to">To{zone ? ` (${zone.name})` : ''}</label>
              <input id="f-to" type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
            </div>
            <div className={styles.field}>
              <label htmlFor="f-ack">Acknowledged</label>
              <select id="f-ack" value={form.acknowledged} onChange={(e) => setForm({ ...form, acknowledged: e.target.value as FormFilters['acknowledged'] })}>
                <option value="">Either</option>
                <option value="false">Not yet</option>
                <option value="true">Acknowledged</option>
              </select>
            </div>
            <button type="submit" className={styles.primary}>
              Apply
            </button>
            <a href={`/api/alerts.csv${filterQuery(filters, zone ? { tz: zone.name } : {})}`} download title={zone ? `Times in ${zone.label}` : undefined}>
              Export CSV
            </a>
          </form>
          {error && <p className={styles.error}>{error}</p>}
        </section>

        <section className={styles.card} aria-label="Alerts" data-alert-rows={alerts.length}>
          <div className={styles.actions} style={{ marginBottom: 10 }}>
            <div className={styles.field} style={{ flex: 1, minWidth: 200 }}>
              <label htmlFor="ack-note">Note{session ? ` (acknowledged as ${session.user.username})` : ''}</label>
              <input id="ack-note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="what was done (optional)" />
            </div>
            <button type="button" className={styles.primary} disabled={selected.size === 0} onClick={() => acknowledge([...selected])}>
              Acknowledge selected ({selected.size})
            </button>
          </div>
          {ackError && <p className={styles.error}>{ackError}</p>}
          <table className={styles.table}>
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select all unacknowledged"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((a) => a.id)))}
                  />
                </th>
                <th>Snapshot</th>
                <th>Raised{zone ? <span className={styles.muted}> · {zone.label}</span> : null}</th>
                <th>Camera</th>
                <th>Label</th>
                <th>Status</th>
                <th>Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id} data-alert-row={alert.id} data-acknowledged={alert.acknowledged ? 'true' : 'false'}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select alert ${alert.id}`}
                      disabled={alert.acknowledged !== null}
                      checked={selected.has(alert.id)}
                      onChange={() => toggle(alert.id)}
                    />
                  </td>
                  <td>
                    <button type="button" className={styles.thumbButton} onClick={() => setViewing(alert)} aria-label={`View alert ${alert.id}`}>
                      {alert.snapshot ? (
                        <img className={styles.thumb} src={alertThumbnailUrl(alert.id)} alt="" />
                      ) : (
                        <span className={`${styles.thumb} ${styles.thumbEmpty}`}>no image</span>
                      )}
                    </button>
                  </td>
                  <td>{formatDateTime(alert.raisedAt)}</td>
                  <td>{alert.cameraName}</td>
                  <td>
                    <span className={`${styles.label} ${styles[alert.label]}`}>{labelText(alert.label)}</span>
                  </td>
                  <td className={`${styles.status} ${alertStatus(alert) === 'open' ? styles.open : ''}`}>{alertStatus(alert)}</td>
                  <td className={styles.status}>
                    {alert.acknowledged ? (
                      <span title={`${formatDateTime(alert.acknowledged.at)}${alert.acknowledged.note ? `: ${alert.acknowledged.note}` : ''}`} data-acknowledged-by={alert.acknowledged.by}>
                        {alert.acknowledged.by}
                        {alert.acknowledged.note ? `: ${alert.acknowledged.note}` : ''}
                      </span>
                    ) : (
                      <button type="button" className={styles.small} onClick={() => acknowledge([alert.id])}>
                        Acknowledge
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {alerts.length === 0 && !loading && <p className={styles.muted}>No alerts match these filters.</p>}
          {next && (
            <button type="button" onClick={() => load(filters, next)} disabled={loading} style={{ marginTop: 10 }}>
              {loading ? 'Loading…' : 'Load more'}
            </button>
          )}
        </section>

        <ComplianceChart cameras={cameras} />
        {/* Only admins may change them; operators are not shown controls they cannot use. */}
        {session?.user.role === 'admin' && <AlertSettingsPanel cameras={cameras} />}
      </main>
      {viewing && <SnapshotViewer alert={viewing} onClose={() => setViewing(null)} onAcknowledge={(a) => acknowledge([a.id])} />}
    </div>
  );
}
