import type { Metadata } from 'next';
import { AuditLog } from '../../../src/components/AuditLog';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return <AuditLog />;
}
