'use client';
/**
 * One signalling connection per page, shared by every component below it: the socket (role `viewer`), the link's
 * state, the viewer session (`viewer:join`, again after every reconnect and after the server says its media worker
 * restarted) and the page's camera list. Components read them with `useSignalling`, `useCameras` and `usePush`.
 *
 *   <SignallingProvider><Console /></SignallingProvider>
 */
import { createContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ResponseOf } from '@maskwatch/protocol/signalling';
import { listCameras } from '../lib/api';
import {
  connectSignalling,
  describeError,
  onPush,
  request,
  SignallingError,
  unavailableRetryDelay,
  type SignallingSocket,
} from '../lib/signalling';
import { CameraStore } from './CameraStore';

export type Link = { status: 'connecting' | 'online' | 'offline'; detail: string | null };

/** One successful `viewer:join`; a new epoch after each join (a reconnect, a media worker restart). */
export type ViewerSession = { epoch: number; routerRtpCapabilities: ResponseOf<'viewer:join'>['routerRtpCapabilities'] };

export type SignallingState = {
  /** Null until the page runs in the browser (and after it unmounts). */
  socket: SignallingSocket | null;
  link: Link;
  /** Null while not joined (connecting, disconnected, no media worker). */
  session: ViewerSession | null;
  /**
   * Whether the camera states on this page are current: false from a lost connection (or a refused join) until the
   * next join, when nobody can say whether a camera is still live. The first connection counts as current (the REST
   * list is fresh).
   */
  current: boolean;
  cameras: CameraStore;
};

export const SignallingContext = createContext<SignallingState | null>(null);

export function SignallingProvider({ children }: { children: ReactNode }) {
  const [cameras] = useState(() => new CameraStore());
  const [socket, setSocket] = useState<SignallingSocket | null>(null);
  const [link, setLink] = useState<Link>({ status: 'connecting', detail: null });
  const [session, setSession] = useState<ViewerSession | null>(null);
  const [current, setCurrent] = useState(true);

  useEffect(() => {
    let closed = false;
    // The REST list shows the cameras even while joining is refused (no media worker yet).
    cameras.restStarted();
    listCameras().then(
      (list) => {
        if (!closed) cameras.restLoaded(list);
      },
      (error: unknown) => {
        if (!closed) cameras.restFailed(describeError(error));
      },
    );

    const socket = connectSignalling('viewer');
    setSocket(socket);
    let epoch = 0;
    let joins = 0;
    let unavailableFailures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const offState = onPush(socket, 'camera:state', (camera) => cameras.upsert(camera));
    const offRemoved = onPush(socket, 'camera:removed', ({ cameraId }) => cameras.remove(cameraId));
    const join = (detail: string): void => {
      clearTimeout(retryTimer);
      setSession(null);
      setLink({ status: 'connecting', detail });
      const attempt = ++joins;
      request(socket, 'viewer:join', {})
        .then((joined) => {
          if (attempt !== joins || closed) return;
          unavailableFailures = 0;
          cameras.replaceAll(joined.cameras);
          setSession({ epoch: ++epoch, routerRtpCapabilities: joined.routerRtpCapabilities });
          setLink({ status: 'online', detail: null });
          setCurrent(true);
        })
        .catch((error: unknown) => {
          if (attempt !== joins || closed) return;
          setLink({ status: 'offline', detail: describeError(error) });
          setCurrent(false);
          // No media worker yet (one is being replaced): join again by itself.
          if (error instanceof SignallingError && error.code === 'unavailable') {
            retryTimer = setTimeout(() => {
              if (socket.connected) join('joining again');
            }, unavailableRetryDelay(unavailableFailures++));
          }
        });
    };
    // The media worker behind this viewer restarted: the server dropped our transport and consumers; join again.
    const offError = onPush(socket, 'server:error', (error) => {
      if (error.code === 'unavailable' && error.event === 'viewer:join') join('media server restarted; joining again');
    });
    socket.on('connect', () => join('joining'));
    socket.on('disconnect', (reason) => {
      joins++;
      clearTimeout(retryTimer);
      setSession(null);
      setLink({ status: 'offline', detail: reason });
      setCurrent(false);
      // A disconnect the server chose is not retried by socket.io itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error) => {
      setLink({ status: 'offline', detail: error.message });
      setCurrent(false);
    });
    return () => {
      closed = true;
      offState();
      offRemoved();
      offError();
      clearTimeout(retryTimer);
      socket.close();
      setSocket(null);
      setSession(null);
    };
  }, [cameras]);

  const value = useMemo<SignallingState>(() => ({ socket, link, session, current, cameras }), [socket, link, session, current, cameras]);
  return <SignallingContext.Provider value={value}>{children}</SignallingContext.Provider>;
}
