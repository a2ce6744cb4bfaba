import type { Metadata } from 'next';
import { CameraPublisher } from '../../src/components/CameraPublisher';

export const metadata: Metadata = { title: 'Camera' };

export default function CameraPage() {
  return <CameraPublisher />;
}
