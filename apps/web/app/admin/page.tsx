import type { Metadata } from 'next';
import { Admin } from '../../src/components/Admin';
import { SignallingProvider } from '../../src/hooks/SignallingProvider';

export const metadata: Metadata = { title: 'Cameras' };

export default function AdminPage() {
  return (
    <SignallingProvider>
      <Admin />
    </SignallingProvider>
  );
}
