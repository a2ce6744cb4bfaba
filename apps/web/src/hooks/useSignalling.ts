'use client';
import { useContext } from 'react';
import { SignallingContext, type SignallingState } from './SignallingProvider';

/** The page's signalling connection: socket, link state and viewer session. Needs a `SignallingProvider` above. */
export function useSignalling(): Omit<SignallingState, 'cameras'> {
  const state = useContext(SignallingContext);
  if (!state) throw new Error('useSignalling needs a <SignallingProvider> above it');
  return state;
}
