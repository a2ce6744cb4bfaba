'use client';
import { useEffect, useState } from 'react';
import { describeError } from '../lib/signalling';
import { Viewer } from '../lib/viewer';
import { useSignalling } from './useSignalling';

/** A viewer ready to consume: a new object after every join, so tiles consume again on the fresh transport. */
export type ViewerHandle = { viewer: Viewer; epoch: number };

/**
 * The page's mediasoup viewer (one recv transport for all its videos), loaded for the current viewer session.
 * `error` says why it could not be (the browser cannot handle the router's codecs).
 */
export function useViewer(): { viewer: ViewerHandle | null; error: string | null } {
  const { socket, session } = useSignalling();
  const [instance, setInstance] = useState<Viewer | null>(null);
  const [viewer, setViewer] = useState<ViewerHandle | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!socket) return;
    const created = new Viewer(socket);
    setInstance(created);
    return () => {
      created.close();
      setInstance(null);
    };
  }, [socket]);

  useEffect(() => {
    setViewer(null);
    setError(null);
    if (!instance || !session) return;
    let cancelled = false;
    instance.load(session.routerRtpCapabilities).then(
      () => {
        if (!cancelled) setViewer({ viewer: instance, epoch: session.epoch });
      },
      (failure: unknown) => {
        if (!cancelled) setError(describeError(failure));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [instance, session]);

  return { viewer, error };
}
