import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Maskwatch', template: '%s · Maskwatch' },
  description: 'Real-time face-mask compliance',
};

/**
 * Every page is rendered per request: the server gives each response a fresh CSP nonce (http/servePage.ts), and
 * Next.js can only stamp its scripts with it when it renders them then (a prerendered page would carry none).
 */
export const dynamic = 'force-dynamic';

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0b0f14' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
