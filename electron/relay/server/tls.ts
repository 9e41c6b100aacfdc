/**
 * Optional TLS: the operator's PEM certificate and key, read when the server starts and on
 * `reloadTls()` (so a renewed certificate is used without a restart), checked before use.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext, type TlsOptions } from 'node:tls';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

/** A certificate or key that cannot be used; `code` is always `ETLS`, the message names the file. */
export class TlsError extends Error {
  readonly code = 'ETLS';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TlsError';
  }
}

/** The server options of a TLS hub: the files' contents plus our hardening (TLS 1.2+, HTTP/1.1 only). */
export type TlsServerOptions = Pick<TlsOptions, 'cert' | 'key' | 'minVersion' | 'ALPNProtocols' | 'handshakeTimeout'>;

async function readPem(kind: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TlsError(`cannot read the TLS ${kind} file ${path} (${code})`, { cause: error });
  }
}

/** A usable certificate and key. */
export interface LoadedTls {
  options: TlsServerOptions;
  /** When the certificate stops being valid (ms since the epoch). */
  notAfter: number;
}

const day = 86_400_000;

/** A warning for a certificate that has expired or expires within 30 days of `now`, else null. */
export function certificateWarning(notAfter: number, now: number): string | null {
  if (notAfter <= now) return `the TLS certificate expired on ${new Date(notAfter).toISOString()}`;
  const days = Math.floor((notAfter - now) / day);
  if (days >= 30) return null;
  return `the TLS certificate expires in ${days === 0 ? 'less than a day' : days === 1 ? '1 day' : `${days} days`}`;
}

/** Reads and checks the certificate and key; rejects with a TlsError (unreadable file, bad PEM, mismatched pair). */
export async function loadTls(certFile: string, keyFile: string): Promise<LoadedTls> {
  const [cert, key] = await Promise.all([readPem('certificate', certFile), readPem('key', keyFile)]);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new TlsError(`the TLS certificate file ${certFile} is not a PEM certificate`, { cause: error });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new TlsError(`the TLS key file ${keyFile} is not a PEM private key (an encrypted key is not supported)`, {
      cause: error,
    });
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsError(`the TLS key file ${keyFile} is not the key of the certificate ${certFile}`);
  }
  const options: TlsServerOptions = {
    cert,
    key,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['http/1.1'],
    handshakeTimeout: 10_000,
  };
  try {
    createSecureContext(options); // anything OpenSSL still refuses (e.g. a key too weak for its security level)
  } catch (error) {
    throw new TlsError(`cannot use the TLS certificate ${certFile}: ${(error as Error).message}`, { cause: error });
  }
  return { options, notAfter: Date.parse(certificate.validTo) };
}
