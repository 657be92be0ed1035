import type { LockFile } from '../../core/issuer-facts';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { writeCaBundle } from './pki';

/**
 * Records a running demo issuer into a fresh lock file under `tmp` with the real lookups
 * (discovery, JWKS and TLS fingerprints over loopback HTTPS, trusting the issuer's own CA), and
 * returns the lock, as `npm run lookups` would for a user.
 */
export async function recordDemoIssuerLock(
  tmp: { file(name: string): string },
  demo: { readonly issuer: string; readonly caPem: string },
): Promise<LockFile> {
  const { lock } = await prepareLookups({
    issuers: [{ issuer: demo.issuer }],
    lockPath: tmp.file('lookups.lock.json'),
    caBundlePath: writeCaBundle(tmp.file('ca.pem'), demo.caPem),
    ci: false,
    logger: SILENT_LOGGER,
  });
  return lock;
}
