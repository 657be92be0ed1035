/**
 * The trust store used by every lookup connection: Node's bundled Mozilla roots
 * (`tls.rootCertificates`) plus an optional user CA bundle.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { LookupErrorCode, lookupError } from './errors';

/** Trusted certificates for lookups. Create with {@link loadTrustStore}. */
export interface TrustStore {
  /** PEM certificates to pass as the TLS `ca` option (system roots + bundle). */
  readonly caPems: readonly string[];
  /** Path of the user CA bundle, when one was given. */
  readonly caBundlePath?: string;
  /** Parsed trusted certificates, indexed by subject; built on first use. */
  anchorsBySubject(): ReadonlyMap<string, readonly X509Certificate[]>;
  /**
   * A TLS secure context trusting exactly {@link caPems}; built on first use and shared, since
   * building one from ~150 roots costs tens of milliseconds per connection otherwise.
   */
  secureContext(): tls.SecureContext;
}

// Per process: the same bundle content gives the same context and index.
const contexts = new Map<string, tls.SecureContext>();
let systemIndex: Map<string, X509Certificate[]> | undefined;

function indexCertificates(pems: readonly string[], into: Map<string, X509Certificate[]>): Map<string, X509Certificate[]> {
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      continue; // a root Node ships but cannot parse cannot anchor anything either
    }
    const list = into.get(cert.subject) ?? [];
    list.push(cert);
    into.set(cert.subject, list);
  }
  return into;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits a PEM text into its certificate blocks. */
function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

/**
 * Builds the trust store: system roots plus the certificates of an optional PEM bundle.
 *
 * @param caBundlePath - PEM file with extra trusted CA certificates (private CA roots).
 * @throws LookupError `LOOKUP_CA_BUNDLE_INVALID` when the file cannot be read or has no certificate.
 */
export function loadTrustStore(caBundlePath?: string): TrustStore {
  const extra: string[] = [];
  if (caBundlePath !== undefined) {
    let text: string;
    try {
      text = readFileSync(caBundlePath, 'utf8');
    } catch (cause) {
      throw lookupError(LookupErrorCode.CA_BUNDLE_INVALID, { cause }, `CA bundle ${caBundlePath} cannot be read`,
        (cause as NodeJS.ErrnoException).code, 'Pass the path of a PEM file with --ca-bundle.');
    }
    const blocks = splitPemCertificates(text);
    if (blocks.length === 0) {
      throw lookupError(LookupErrorCode.CA_BUNDLE_INVALID, {}, `CA bundle ${caBundlePath} holds no PEM certificate`,
        undefined, 'The file must contain "-----BEGIN CERTIFICATE-----" blocks.');
    }
    blocks.forEach((block, index) => {
      try {
        new X509Certificate(block);
      } catch (cause) {
        throw lookupError(LookupErrorCode.CA_BUNDLE_INVALID, { cause }, `CA bundle ${caBundlePath}: certificate #${index + 1} cannot be parsed`,
          (cause as Error).message, 'Remove or fix the broken PEM block.');
      }
    });
    extra.push(...blocks);
  }
  const caPems = [...tls.rootCertificates, ...extra];
  let index: Map<string, X509Certificate[]> | undefined;
  return {
    caPems,
    caBundlePath,
    anchorsBySubject() {
      if (!index) {
        systemIndex ??= indexCertificates(tls.rootCertificates, new Map());
        index = new Map([...systemIndex].map(([subject, certs]) => [subject, [...certs]]));
        indexCertificates(extra, index);
      }
      return index;
    },
    secureContext() {
      const key = extra.join('');
      let context = contexts.get(key);
      if (!context) {
        context = tls.createSecureContext({ ca: caPems });
        contexts.set(key, context);
      }
      return context;
    },
  };
}
