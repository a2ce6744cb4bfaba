import type { Metadata } from 'next';
import { Console } from '../../src/components/Console';

export const metadata: Metadata = { title: 'Console' };

export default function ConsolePage() {
  return <Console />;
}
