/**
 * Reads the certificate list the server sent from a captured TLS handshake.
 *
 * Node does not expose the chain a server presented: `getPeerCertificate(true)` continues
 * past it with issuers found in the local trust store. So the lookup captures the raw bytes
 * the server sent and decodes its `Certificate` handshake message, exactly what
 * `openssl s_client -showcerts` prints. In TLS 1.2 that message is plaintext; in TLS 1.3 it
 * is encrypted with the server handshake traffic key, which the client learns from the
 * connection's own `keylog` event (RFC 8446 §7.1, §7.3, §5.2).
 */
import { createDecipheriv, createHmac } from 'node:crypto';

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HANDSHAKE_CERTIFICATE = 11;

/** Why the certificate list could not be decoded. */
export class HandshakeDecodeError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'HandshakeDecodeError';
  }
}

/** What is needed to decode one captured handshake. */
export interface CapturedHandshake {
  /** Every byte the server sent, from the start of the connection. */
  readonly serverBytes: Buffer;
  /** Negotiated protocol, as `tlsSocket.getProtocol()` reports it. */
  readonly protocol: string;
  /** IANA cipher suite name, `tlsSocket.getCipher().standardName`. */
  readonly cipherSuite: string;
  /** Lines the connection emitted on `keylog` (NSS key log format). */
  readonly keylogLines: readonly string[];
}

interface Suite {
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  readonly keyLength: number;
  readonly hash: 'sha256' | 'sha384';
}

const TLS13_SUITES: Readonly<Record<string, Suite>> = {
  TLS_AES_128_GCM_SHA256: { cipher: 'aes-128-gcm', keyLength: 16, hash: 'sha256' },
  TLS_AES_256_GCM_SHA384: { cipher: 'aes-256-gcm', keyLength: 32, hash: 'sha384' },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' },
  TLS_AES_128_CCM_SHA256: { cipher: 'aes-128-ccm', keyLength: 16, hash: 'sha256' },
};

/**
 * Returns the DER certificates of the server's `Certificate` message, in the order sent.
 *
 * @throws HandshakeDecodeError when the capture has no decodable Certificate message.
 */
export function serverCertificatesFromHandshake(captured: CapturedHandshake): Buffer[] {
  const tls13 = captured.protocol === 'TLSv1.3';
  let decrypt: ((header: Buffer, payload: Buffer) => { type: number; data: Buffer }) | undefined;
  if (tls13) decrypt = tls13Decrypter(captured);
  const handshake = new HandshakeBuffer();
  let offset = 0;
  const bytes = captured.serverBytes;
  while (offset + 5 <= bytes.length) {
    const type = bytes[offset];
    const length = bytes.readUInt16BE(offset + 3);
    if (offset + 5 + length > bytes.length) break;
    const header = bytes.subarray(offset, offset + 5);
    const payload = bytes.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (type === CONTENT_HANDSHAKE) {
      handshake.push(payload);
    } else if (type === CONTENT_CHANGE_CIPHER_SPEC) {
      // TLS 1.2: everything after the server's ChangeCipherSpec is encrypted and comes after
      // the Certificate message anyway. TLS 1.3: a compatibility no-op (RFC 8446 §D.4).
      if (!tls13) break;
    } else if (type === CONTENT_APPLICATION_DATA && decrypt) {
      const inner = decrypt(header, payload);
      if (inner.type === CONTENT_HANDSHAKE) handshake.push(inner.data);
      else if (inner.type === CONTENT_ALERT) throw new HandshakeDecodeError('the server sent an alert before its certificates');
    } else if (type === CONTENT_ALERT) {
      throw new HandshakeDecodeError('the server sent an alert before its certificates');
    } else {
      throw new HandshakeDecodeError(`unexpected TLS record type ${type}`);
    }
    const message = handshake.find(HANDSHAKE_CERTIFICATE);
    if (message) return parseCertificateMessage(message, tls13);
  }
  throw new HandshakeDecodeError(`no Certificate message found in ${bytes.length} captured bytes (${captured.protocol})`);
}

/** Reassembles handshake messages that span or share records. */
class HandshakeBuffer {
  private data = Buffer.alloc(0);

  public push(fragment: Buffer): void {
    this.data = Buffer.concat([this.data, fragment]);
  }

  /** The body of the first complete message of `type`, if any. */
  public find(type: number): Buffer | undefined {
    let offset = 0;
    while (offset + 4 <= this.data.length) {
      const msgType = this.data[offset];
      const length = this.data.readUIntBE(offset + 1, 3);
      if (offset + 4 + length > this.data.length) return undefined;
      if (msgType === type) return this.data.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
    }
    return undefined;
  }
}

function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  let offset = 0;
  const need = (n: number) => {
    if (offset + n > body.length) throw new HandshakeDecodeError('truncated Certificate message');
  };
  if (tls13) {
    need(1);
    offset += 1 + body[0]; // certificate_request_context
  }
  need(3);
  const listEnd = offset + 3 + body.readUIntBE(offset, 3);
  offset += 3;
  if (listEnd > body.length) throw new HandshakeDecodeError('truncated certificate_list');
  const certificates: Buffer[] = [];
  while (offset < listEnd) {
    need(3);
    const length = body.readUIntBE(offset, 3);
    offset += 3;
    need(length);
    certificates.push(Buffer.from(body.subarray(offset, offset + length)));
    offset += length;
    if (tls13) {
      need(2);
      offset += 2 + body.readUInt16BE(offset); // per-certificate extensions
    }
  }
  if (certificates.length === 0) throw new HandshakeDecodeError('the server sent an empty certificate list');
  return certificates;
}

function tls13Decrypter(captured: CapturedHandshake): (header: Buffer, payload: Buffer) => { type: number; data: Buffer } {
  const suite = TLS13_SUITES[captured.cipherSuite];
  if (!suite) throw new HandshakeDecodeError(`unsupported TLS 1.3 cipher suite ${captured.cipherSuite}`);
  const line = captured.keylogLines.find((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET '));
  if (!line) throw new HandshakeDecodeError('the connection did not log its server handshake traffic secret');
  const secret = Buffer.from(line.trim().split(' ')[2] ?? '', 'hex');
  const key = hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLength);
  const iv = hkdfExpandLabel(suite.hash, secret, 'iv', 12);
  let sequence = 0n;
  return (header, payload) => {
    if (payload.length < 17) throw new HandshakeDecodeError('encrypted record too short');
    const nonce = Buffer.from(iv);
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence++);
    for (let i = 0; i < 8; i++) nonce[4 + i] ^= seq[i];
    const ciphertext = payload.subarray(0, payload.length - 16);
    const tag = payload.subarray(payload.length - 16);
    let plain: Buffer;
    try {
      const decipher =
        suite.cipher === 'aes-128-ccm'
          ? createDecipheriv(suite.cipher, key, nonce, { authTagLength: 16 })
          : suite.cipher === 'chacha20-poly1305'
            ? createDecipheriv(suite.cipher, key, nonce, { authTagLength: 16 })
            : createDecipheriv(suite.cipher, key, nonce);
      decipher.setAuthTag(tag);
      decipher.setAAD(header, { plaintextLength: ciphertext.length });
      plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (error) {
      throw new HandshakeDecodeError(`cannot decrypt handshake record: ${(error as Error).message}`);
    }
    // TLSInnerPlaintext: content, content type byte, zero padding
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0) throw new HandshakeDecodeError('encrypted record without content type');
    return { type: plain[end], data: plain.subarray(0, end) };
  };
}

/** HKDF-Expand-Label from RFC 8446 §7.1 with an empty context. */
function hkdfExpandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  // HKDF-Expand (RFC 5869 §2.3)
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    previous = createHmac(hash, secret).update(Buffer.concat([previous, info, Buffer.from([i])])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}
