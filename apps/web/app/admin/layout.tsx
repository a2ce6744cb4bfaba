import type { ReactNode } from 'react';
import { AdminGate } from '../../src/components/AdminGate';

/** Every /admin page: admins see it, operators are told it is for admins (see AdminGate). */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return <AdminGate>{children}</AdminGate>;
}
