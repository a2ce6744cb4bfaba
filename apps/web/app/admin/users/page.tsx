import type { Metadata } from 'next';
import { Users } from '../../../src/components/Users';

export const metadata: Metadata = { title: 'Users' };

export default function UsersPage() {
  return <Users />;
}
