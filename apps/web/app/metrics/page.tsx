import type { Metadata } from 'next';
import { MetricsDashboard } from '../../src/components/MetricsDashboard';
import { SignallingProvider } from '../../src/hooks/SignallingProvider';

export const metadata: Metadata = { title: 'Metrics' };

export default function MetricsPage() {
  return (
    <SignallingProvider>
      <MetricsDashboard />
    </SignallingProvider>
  );
}
