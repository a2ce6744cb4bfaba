'use client';
/** A browser camera's publish link, as a link and a QR code (a phone scans it and is that camera). Shown once. */
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import styles from './Admin.module.css';

export type ShownLink = { cameraId: string; name: string; url: string };

export function PublishLink({ link, onClose }: { link: ShownLink; onClose: () => void }) {
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let gone = false;
    QRCode.toDataURL(link.url, { margin: 1, width: 220, errorCorrectionLevel: 'M' })
      .then((url) => !gone && setQr(url))
      .catch(() => setQr(null));
    return () => {
      gone = true;
    };
  }, [link.url]);
  return (
    <section className={`${styles.card} ${styles.linkCard}`} data-publish-link data-camera-id={link.cameraId} aria-label={`Publish link for ${link.name}`}>
      <div className={styles.linkText}>
        <h2 className={styles.heading}>Publish link for “{link.name}”</h2>
        <p>
          Open it on the phone or laptop that is this camera (or scan the code). Anyone with the link can publish as this
          camera, and only as this camera: keep it like a key.
        </p>
        <a href={link.url} target="_blank" rel="noreferrer noopener" className={styles.source} data-publish-url>
          {link.url}
        </a>
        <p className={styles.muted}>
          It is shown only now. Lost it? Make a new link (the old one stops at once). The link uses the address you opened
          this page with: for a phone, open the admin page by the LAN address first.
        </p>
        <div className={styles.rowActions} style={{ justifyContent: 'flex-start' }}>
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard
                ?.writeText(link.url)
                .then(() => setCopied(true))
                .catch(() => setCopied(false));
            }}
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
      {qr && <img src={qr} alt={`QR code of the publish link for ${link.name}`} width={220} height={220} data-qr />}
    </section>
  );
}
