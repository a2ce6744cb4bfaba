import type { Metadata } from 'next';
import { ModelRuns } from '../../src/components/ModelRuns';

export const metadata: Metadata = { title: 'Models' };

export default function ModelsPage() {
  return <ModelRuns />;
}
