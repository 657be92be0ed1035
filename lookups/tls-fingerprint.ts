/**
 * TLS fingerprint lookup: which certificates an issuer host presents, and which root anchors them.
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { LookupErrorCode, lookupError, toNetworkError } from './errors';
import type { CertificateFact, HostFact } from '../core/issuer-facts';
import { HandshakeDecodeError, serverCertificatesFromHandshake } from './tls-handshake';
import type { TrustStore } from './trust';

/** Bytes of server handshake kept for decoding; a certificate chain is a few KiB. */
const MAX_CAPTURE_BYTES = 512 * 1024;
/** Longest chain walked to its anchor. */
const MAX_CHAIN_DEPTH = 10;

/** Options of {@link inspectTlsHost}. */
export interface InspectTlsHostOptions {
  /** Trusted roots (system + CA bundle). */
  readonly trust: TrustStore;
  /** Budget for connect + handshake. */
  readonly timeoutMs: number;
  /** Issuer, for messages. */
  readonly issuer?: string;
}

/** {@link HostFact} plus the full presented chain, as observed by {@link inspectTlsHost}. */
export interface ObservedHost extends HostFact {
  /** The server certificate (first presented). */
  readonly leaf: CertificateFact;
  /** Every certificate the server sent, in the order sent. */
  readonly presented: readonly CertificateFact[];
}

/** Lowercase hex SHA-1 of a DER certificate, no colons. */
function sha1Fingerprint(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex');
}

/** Converts an X.509 certificate to the lock's {@link CertificateFact}. */
function certificateFact(cert: X509Certificate): CertificateFact {
  return {
    sha1: sha1Fingerprint(cert.raw),
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

function distinguishedName(multiline: string): string {
  return multiline.split('\n').filter(Boolean).join(', ');
}

/**
 * Opens a verified TLS connection to `host:port` and records what the server presented.
 *
 * Verification is OpenSSL's (`rejectUnauthorized: true`, host name checked, SNI sent) against
 * the {@link TrustStore}. `presentedTop` is the last certificate of the server's own
 * `Certificate` message, decoded from the captured handshake of this same connection (see
 * `tls-handshake.ts`), so it is what `openssl s_client -showcerts` prints last, never a
 * certificate that only the local trust store supplied. `root` is the self-signed trust
 * anchor the chain ends in, found trusted-first like OpenSSL does.
 *
 * @throws LookupError with a network or TLS code.
 */
export async function inspectTlsHost(host: string, port: number, options: InspectTlsHostOptions): Promise<ObservedHost> {
  const { trust, timeoutMs, issuer } = options;
  const hostLabel = `${host}:${port}`;
  const where = { issuer, host: hostLabel, what: 'TLS handshake', timeoutMs };
  const handshake = await connectAndCapture(host, port, trust, timeoutMs).catch((error: unknown) => {
    throw toNetworkError(error, where);
  });
  let presentedDer: Buffer[];
  try {
    presentedDer = serverCertificatesFromHandshake(handshake);
  } catch (error) {
    if (!(error instanceof HandshakeDecodeError)) throw error;
    throw lookupError(LookupErrorCode.TLS_CHAIN_UNREADABLE, { issuer, host: hostLabel, cause: error },
      `TLS handshake on ${hostLabel}: the certificates the server sent cannot be read (${error.message})`, undefined,
      'Please report this with the output of `openssl s_client -showcerts`.');
  }
  if (!presentedDer[0].equals(handshake.leaf.raw)) {
    // The decoded handshake must describe the connection OpenSSL verified.
    throw lookupError(LookupErrorCode.TLS_CHAIN_UNREADABLE, { issuer, host: hostLabel },
      `TLS handshake on ${hostLabel}: the decoded server certificate differs from the verified one`, undefined,
      'Please report this with the output of `openssl s_client -showcerts`.');
  }
  const presented = presentedDer.map((der) => new X509Certificate(der));
  const root = findAnchor(presented, trust);
  if (!root) {
    throw lookupError(LookupErrorCode.TLS_CHAIN_UNRESOLVED, { issuer, host: hostLabel },
      `TLS handshake on ${hostLabel}: the verified chain cannot be walked to a self-signed trusted root`,
      presented.map((c) => distinguishedName(c.subject)),
      'If the issuer uses a private CA, pass its root (not only the intermediate) with --ca-bundle.');
  }
  const presentedFacts = presented.map(certificateFact);
  return {
    host,
    port,
    leaf: presentedFacts[0],
    presentedTop: presentedFacts[presentedFacts.length - 1],
    root: certificateFact(root),
    presented: presentedFacts,
  };
}

interface Captured {
  readonly serverBytes: Buffer;
  readonly protocol: string;
  readonly cipherSuite: string;
  readonly keylogLines: string[];
  readonly leaf: X509Certificate;
}

/**
 * Connects through a tapping stream so the server's raw bytes are kept while OpenSSL runs
 * the (verified) handshake on top of them.
 */
function connectAndCapture(host: string, port: number, trust: TrustStore, timeoutMs: number): Promise<Captured> {
  return new Promise<Captured>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let captured = 0;
    const keylogLines: string[] = [];
    const raw = net.connect({ host, port });
    const tap = new Duplex({
      read() {
        raw.resume();
      },
      write(chunk: Buffer, _encoding, callback) {
        raw.write(chunk, callback);
      },
      final(callback) {
        raw.end();
        callback();
      },
      destroy(error, callback) {
        raw.destroy();
        callback(error);
      },
    });
    raw.on('data', (data: Buffer) => {
      if (captured < MAX_CAPTURE_BYTES) {
        chunks.push(data);
        captured += data.length;
      }
      if (!tap.push(data)) raw.pause();
    });
    raw.on('end', () => tap.push(null));
    raw.on('error', (error) => tap.destroy(error));

    const socket = tls.connect({
      socket: tap,
      host,
      // RFC 6066 forbids IP addresses as SNI; verification still checks the IP SAN.
      servername: net.isIP(host) ? undefined : host,
      secureContext: trust.secureContext(),
      rejectUnauthorized: true,
      checkServerIdentity: tls.checkServerIdentity,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      socket.destroy(error);
    }, timeoutMs);
    socket.on('keylog', (line: Buffer) => keylogLines.push(line.toString('ascii')));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cipher = socket.getCipher();
      const leaf = socket.getPeerX509Certificate();
      const protocol = socket.getProtocol() ?? '';
      socket.destroy();
      if (!leaf) {
        reject(Object.assign(new Error('the server sent no certificate'), { code: 'ERR_TLS_NO_PEER_CERT' }));
        return;
      }
      resolve({
        serverBytes: Buffer.concat(chunks),
        protocol,
        cipherSuite: cipher.standardName,
        keylogLines,
        leaf,
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/**
 * The self-signed trusted certificate the chain ends in. Mirrors OpenSSL's default
 * trusted-first chain building: at each step an issuer from the trust store wins over one the
 * server sent, so a server that also sends a cross-signed root still anchors at the store's root.
 */
function findAnchor(presented: readonly X509Certificate[], trust: TrustStore): X509Certificate | undefined {
  const anchors = trust.anchorsBySubject();
  const isTrusted = (cert: X509Certificate) =>
    (anchors.get(cert.subject) ?? []).some((a) => a.raw.equals(cert.raw));
  const issuedBy = (cert: X509Certificate, candidate: X509Certificate) => {
    try {
      return cert.checkIssued(candidate) && cert.verify(candidate.publicKey);
    } catch {
      return false;
    }
  };
  let current = presented[0];
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    const selfSigned = issuedBy(current, current);
    if (selfSigned) return isTrusted(current) ? current : undefined;
    const from = current;
    const trustedIssuers = (anchors.get(from.issuer) ?? []).filter((a) => issuedBy(from, a));
    const trustedIssuer = trustedIssuers.find((a) => issuedBy(a, a)) ?? trustedIssuers[0];
    const next = trustedIssuer ?? presented.find((c) => c !== from && issuedBy(from, c));
    if (!next) return undefined;
    current = next;
  }
  return undefined;
}
