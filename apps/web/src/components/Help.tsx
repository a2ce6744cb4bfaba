'use client';
/** /help: what the console shows and how to use it, in one page (the `?` overlay links here). */
import { useEffect, useState } from 'react';
import type { SessionResponse } from '@maskwatch/protocol/auth';
import { getSession } from '../lib/session';
import { zoneLabel } from '../lib/time';
import { NavBar } from './NavBar';
import { ShortcutList } from './ShortcutsOverlay';
import styles from './Admin.module.css';

export function Help() {
  const [session, setSession] = useState<SessionResponse | null>(null);
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => {
    getSession().then(setSession, () => undefined);
    setZone(zoneLabel());
  }, []);
  return (
    <div className={styles.shell}>
      <NavBar current="/help" session={session} />
      <main className={styles.main} data-help>
        <section className={styles.card}>
          <h1 className={styles.heading}>The console</h1>
          <p>
            Every camera is a tile: its name, its state, the live picture with a box around each face (green: mask, red: no mask, amber: worn
            incorrectly, grey: not decided yet). Tiles grow with the window; choose 1, 4, 9 or 16 per page (Auto picks the smallest that holds them all) and turn
            pages when there are more. Click a tile to enlarge it, click again or press Esc to go back. The full-screen button (four corners) puts a tile, or the whole grid, in
            full screen. The alerts panel stays beside the grid; hide it with A.
          </p>
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>What a tile says</h2>
          <dl>
            <dt>LIVE</dt>
            <dd>The camera sends video.</dd>
            <dt>CONNECTING</dt>
            <dd>A phone is starting its camera, or the server is opening an IP camera&apos;s stream.</dd>
            <dt>ERROR</dt>
            <dd>Under the picture: why (for example the camera cannot be reached) and when the server tries again.</dd>
            <dt>OFFLINE</dt>
            <dd>Nothing is sending: the phone closed its camera page, or the camera is disabled.</dd>
            <dt>UNKNOWN</dt>
            <dd>
              This console has lost its connection to the server, so nobody can say what the cameras do now. It reconnects by itself; the
              tiles show the state again as soon as it does.
            </dd>
            <dt>analysing / analysis starting / analysis stalled / analysis off</dt>
            <dd>
              Whether faces in this camera are being checked. When the analysis stalls, the reason is under the picture; the server starts
              it again by itself. An admin may switch analysis off per camera. The face count is shown only while the analysis runs.
            </dd>
            <dt>converted</dt>
            <dd>
              This browser cannot play the camera&apos;s own video format (most IP cameras send H.264 High), so the server converts it for
              the viewers while someone watches. The picture then comes a moment later; the analysis always uses the camera&apos;s own
              stream.
            </dd>
          </dl>
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Alerts</h2>
          <p>
            A person seen without a mask (or with it below the nose) for about a second raises one alert, with a snapshot of that face
            (other faces blurred). The console chimes when sound is on, and speaks for cameras whose &ldquo;console speaks&rdquo; setting is
            on. On <a href="/alerts">Alerts</a>, filter them, look at the snapshot and acknowledge one or many: the acknowledgement is recorded
            under the account you are signed in with (and in the audit log), with your note if you write one. Export CSV writes the
            filtered alerts with their times in your time zone.
          </p>
          <p>
            Times are shown in your browser&apos;s time zone{zone ? `: ${zone}` : ''}, with its name beside each time.
          </p>
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Keyboard shortcuts (console)</h2>
          <ShortcutList />
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Who may do what</h2>
          <p>
            Operators watch the console, review and acknowledge alerts, and read the metrics and models pages. Admins also add cameras and
            users, change alert and system settings and read the audit log.
          </p>
        </section>
      </main>
    </div>
  );
}
