import type { Metadata } from 'next';
import { Admin } from '../../src/components/Admin';

export const metadata: Metadata = { title: 'Cameras' };

export default function AdminPage() {
  return <Admin />;
}
