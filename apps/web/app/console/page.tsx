import type { Metadata } from 'next';
import { Console } from '../../src/components/Console';
import { SignallingProvider } from '../../src/hooks/SignallingProvider';

export const metadata: Metadata = { title: 'Console' };

export default function ConsolePage() {
  return (
    <SignallingProvider>
      <Console />
    </SignallingProvider>
  );
}
