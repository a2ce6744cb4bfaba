import type { Metadata } from 'next';
import { AlertsPage } from '../../src/components/alerts/AlertsPage';
import { SignallingProvider } from '../../src/hooks/SignallingProvider';

export const metadata: Metadata = { title: 'Alerts' };

export default function Alerts() {
  return (
    <SignallingProvider>
      <AlertsPage />
    </SignallingProvider>
  );
}
