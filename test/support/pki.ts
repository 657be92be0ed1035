/**
 * Certificates for tests, generated once per test file (process) and cached.
 */
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type DemoPki, generateDemoPki } from '../../demo-issuer/pki';

const cache = new Map<string, DemoPki>();

/** A root → intermediate → leaf (localhost, 127.0.0.1) PKI, cached per label for this process. */
export function testPki(label = 'test'): DemoPki {
  let pki = cache.get(label);
  if (!pki) {
    pki = generateDemoPki({ label });
    cache.set(label, pki);
  }
  return pki;
}

/** `openssl x509 -noout -fingerprint -sha1`, normalised to 40 lowercase hex. */
export function opensslSha1(certPem: string): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1'], { input: certPem }).toString();
  const match = /Fingerprint=([0-9A-F:]+)/i.exec(out);
  if (!match) throw new Error(`unexpected openssl output: ${out}`);
  return match[1].replace(/:/g, '').toLowerCase();
}

/**
 * The certificates `openssl s_client -showcerts` prints for a server, in order (PEM).
 * Async: the server under test runs in this process.
 */
export function opensslShowcerts(port: number, servername = 'localhost', extraArgs: readonly string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-showcerts', ...extraArgs],
      { timeout: 10_000 },
      (error, stdout) => {
        const pems = stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
        if (pems.length === 0) reject(error ?? new Error(`openssl s_client printed no certificate:\n${stdout}`));
        else resolve(pems.map((p) => `${p}\n`));
      },
    );
    child.stdin?.end();
  });
}

/** Subject of a PEM certificate, for readable assertions. */
export function subjectOf(certPem: string): string {
  return new X509Certificate(certPem).subject.split('\n').join(', ');
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'lookups-test-'): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes PEM certificates to a CA bundle file and returns its path. */
export function writeCaBundle(file: string, ...pems: string[]): string {
  writeFileSync(file, pems.join(''));
  return file;
}
