import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChainShape, generateSelfSignedCertificate, issueLeafCertificate } from '../../demo-issuer/pki';
import { LookupErrorCode } from '../../lookups/errors';
import { inspectTlsHost } from '../../lookups/tls-fingerprint';
import { loadTrustStore } from '../../lookups/trust';
import { opensslSha1, opensslShowcerts, tempDir, testPki, writeCaBundle } from '../support/pki';
import { type TestHttpsServer, startHttpsServer } from '../support/servers';

const tmp = tempDir();
const pki = testPki('tls');
let caBundle: string;

beforeAll(() => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem);
});
afterAll(() => tmp.cleanup());

async function withServer<T>(options: Parameters<typeof startHttpsServer>[0], fn: (server: TestHttpsServer) => Promise<T>): Promise<T> {
  const server = await startHttpsServer(options);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

function inspect(port: number, host = 'localhost', bundle: string | null = caBundle) {
  return inspectTlsHost(host, port, { trust: loadTrustStore(bundle ?? undefined), timeoutMs: 5_000, issuer: 'https://test.invalid' });
}

describe('inspectTlsHost', () => {
  test.each([
    [ChainShape.LEAF_ONLY, 1, 'leaf'],
    [ChainShape.LEAF_AND_INTERMEDIATE, 2, 'intermediate'],
    [ChainShape.FULL_CHAIN, 3, 'root'],
  ] as const)('records as presentedTop the last certificate openssl s_client shows when the server sends %s', async (shape, count, top) => {
    // GIVEN a CA bundle with the intermediate too, so that a leaf-only chain verifies
    const bundle = writeCaBundle(tmp.file(`ca-top-${shape}.pem`), pki.root.certPem, pki.intermediate.certPem);
    await withServer({ certificates: pki, chainShape: shape }, async (server) => {
      const shown = await opensslShowcerts(server.port);

      // WHEN
      const host = await inspect(server.port, 'localhost', bundle);

      // THEN
      expect(shown).toHaveLength(count);
      expect(host.presented).toHaveLength(count);
      expect(host.presentedTop.sha1).toBe(opensslSha1(shown[shown.length - 1]));
      expect(host.presentedTop.sha1).toBe(opensslSha1(pki[top].certPem));
      expect(host.presented.map((c) => c.sha1)).toEqual(shown.map(opensslSha1));
    });
  });

  test.each([ChainShape.LEAF_ONLY, ChainShape.LEAF_AND_INTERMEDIATE, ChainShape.FULL_CHAIN])(
    'records the trust anchor as root whatever the server sends (%s)',
    async (shape) => {
      // GIVEN a CA bundle with the intermediate too, so a leaf-only chain still verifies
      const bundle = writeCaBundle(tmp.file(`ca-${shape}.pem`), pki.root.certPem, pki.intermediate.certPem);
      await withServer({ certificates: pki, chainShape: shape }, async (server) => {
        // WHEN
        const host = await inspect(server.port, 'localhost', bundle);

        // THEN
        expect(host.root.sha1).toBe(opensslSha1(pki.root.certPem));
        expect(host.leaf.sha1).toBe(opensslSha1(pki.leaf.certPem));
      });
    },
  );

  test('does not report issuers from the local trust store as presented when the server sends the leaf only', async () => {
    // GIVEN the intermediate is known locally (getPeerCertificate(true) would list it)
    const bundle = writeCaBundle(tmp.file('ca-with-intermediate.pem'), pki.root.certPem, pki.intermediate.certPem);
    await withServer({ certificates: pki, chainShape: ChainShape.LEAF_ONLY }, async (server) => {
      // WHEN
      const host = await inspect(server.port, 'localhost', bundle);

      // THEN
      expect(host.presented.map((c) => c.sha1)).toEqual([opensslSha1(pki.leaf.certPem)]);
      expect(host.presentedTop.sha1).toBe(host.leaf.sha1);
    });
  });

  test('reads the presented chain over TLS 1.2 as well', async () => {
    await withServer({ certificates: pki, chainShape: ChainShape.LEAF_AND_INTERMEDIATE, maxVersion: 'TLSv1.2' }, async (server) => {
      // GIVEN
      const shown = await opensslShowcerts(server.port);

      // WHEN
      const host = await inspect(server.port);

      // THEN
      expect(host.presentedTop.sha1).toBe(opensslSha1(shown[shown.length - 1]));
      expect(host.presented).toHaveLength(2);
    });
  });

  test.each(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'])(
    'decodes the TLS 1.3 handshake encrypted with %s',
    async (suite) => {
      await withServer({ certificates: pki, chainShape: ChainShape.FULL_CHAIN, tls13CipherSuites: suite }, async (server) => {
        // WHEN
        const host = await inspect(server.port);

        // THEN
        expect(host.presentedTop.sha1).toBe(opensslSha1(pki.root.certPem));
        expect(host.presented).toHaveLength(3);
      });
    },
  );

  test('records subject, issuer and notAfter of each certificate', async () => {
    await withServer({ certificates: pki }, async (server) => {
      // WHEN
      const host = await inspect(server.port);

      // THEN
      expect(host.leaf.subject).toBe('CN=localhost');
      expect(host.presentedTop.subject).toBe('O=m2m-guard demo, CN=Demo Intermediate CA tls');
      expect(host.presentedTop.issuer).toBe('O=m2m-guard demo, CN=Demo Root CA tls');
      expect(host.root.notAfter).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      expect(host.presentedTop.sha1).toMatch(/^[0-9a-f]{40}$/);
    });
  });

  test('verifies IP address hosts against the IP SAN', async () => {
    await withServer({ certificates: pki }, async (server) => {
      // WHEN
      const host = await inspect(server.port, '127.0.0.1');

      // THEN
      expect(host.host).toBe('127.0.0.1');
      expect(host.presentedTop.sha1).toBe(opensslSha1(pki.intermediate.certPem));
    });
  });

  test('fails when the server certificate is self-signed', async () => {
    const self = generateSelfSignedCertificate();
    await withServer({ certificates: { keyPem: self.keyPem, chainPem: self.certPem } }, async (server) => {
      // WHEN / THEN
      await expect(inspect(server.port)).rejects.toMatchObject({
        code: LookupErrorCode.TLS_UNTRUSTED,
        message: expect.stringContaining(`localhost:${server.port}`),
      });
    });
  });

  test('fails when the chain is not anchored in the trust store (no CA bundle)', async () => {
    await withServer({ certificates: pki }, async (server) => {
      await expect(inspect(server.port, 'localhost', null)).rejects.toMatchObject({
        code: LookupErrorCode.TLS_UNTRUSTED,
        message: expect.stringContaining('--ca-bundle'),
      });
    });
  });

  test('fails when the server certificate is expired', async () => {
    const expired = issueLeafCertificate(pki.intermediate, {
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const chainPem = expired.certPem + pki.intermediate.certPem;
    await withServer({ certificates: { keyPem: expired.keyPem, chainPem } }, async (server) => {
      await expect(inspect(server.port)).rejects.toMatchObject({ code: LookupErrorCode.TLS_EXPIRED });
    });
  });

  test('fails when the server sends the leaf only and the intermediate is not trusted locally', async () => {
    await withServer({ certificates: pki, chainShape: ChainShape.LEAF_ONLY }, async (server) => {
      await expect(inspect(server.port)).rejects.toMatchObject({ code: LookupErrorCode.TLS_UNTRUSTED });
    });
  });

  test('fails when the certificate is for another host name', async () => {
    const wrongHost = issueLeafCertificate(pki.intermediate, { dnsNames: ['wrong.example.test'], ipAddresses: [] });
    const chainPem = wrongHost.certPem + pki.intermediate.certPem;
    await withServer({ certificates: { keyPem: wrongHost.keyPem, chainPem } }, async (server) => {
      await expect(inspect(server.port)).rejects.toMatchObject({
        code: LookupErrorCode.TLS_HOSTNAME_MISMATCH,
        message: expect.stringContaining('localhost'),
      });
    });
  });
});
