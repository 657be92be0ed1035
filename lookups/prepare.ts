/**
 * The prepare step: resolve every issuer the stacks need into the lock file before synth.
 *
 * Modelled on AWS CDK context providers (`cdk.context.json`): a recorded value is used
 * without any network connection, a missing one is looked up and recorded, a refresh shows
 * what changed, and CI never rewrites the lock silently.
 */
import { type IssuerChange, IssuerChangeKind, diffIssuerFacts, formatIssuerChange } from './changes';
import { settleWithConcurrency } from './concurrency';
import { LookupError, LookupErrorCode, lookupError } from './errors';
import { parseIssuerUrl } from './issuer-url';
import { MAX_FINGERPRINTS, PinVerdict, checkPin, parseFingerprint } from '../core/fingerprint';
import { defaultLockPath, emptyLock, readLockFile, writeLockFile } from './lock-file';
import type { CertificateFact, IssuerFacts, LockFile } from '../core/issuer-facts';
import { isCiMode } from './ci-mode';
import { verifyLockIntegrity } from './lock-integrity';

/** Receives progress and warnings. */
export interface LookupLogger {
  /** Progress and reports. */
  info(message: string): void;
  /** Problems that do not fail the run (e.g. certificates about to expire). */
  warn(message: string): void;
}

/** Logs to stderr, keeping stdout free for the synthesized output or the CLI tables. */
export const STDERR_LOGGER: LookupLogger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

/** Discards everything. */
export const SILENT_LOGGER: LookupLogger = { info: () => undefined, warn: () => undefined };

/** One issuer the stacks need. */
export interface IssuerRequest {
  /** Issuer URL exactly as the identity provider states it in its discovery document. */
  readonly issuer: string;
  /**
   * SHA-1 fingerprints the user expects (any form `parseFingerprint` accepts): each must be the
   * top certificate one of the issuer's hosts presents (the one pin policy, `checkPin`). A root-CA fingerprint is refused: RAM compares the presented top.
   * @default - nothing pinned
   */
  readonly pinnedFingerprints?: readonly string[];
}

/** Options of {@link prepareLookups}. */
export interface PrepareLookupsOptions {
  /** Issuers to resolve. Must not be empty. */
  readonly issuers: readonly IssuerRequest[];
  /**
   * Lock file path.
   * @default - `lookups.lock.json` in the project root (nearest directory with a package.json)
   */
  readonly lockPath?: string;
  /**
   * Re-fetch every requested issuer and report what changed. New fingerprints are added
   * next to recorded ones (rotation) unless {@link prune} is set.
   * @default false
   */
  readonly refresh?: boolean;
  /**
   * Drop recorded fingerprints that no host presents any more. Implies {@link refresh}.
   * @default false
   */
  readonly prune?: boolean;
  /**
   * CI mode: a missing or changed entry is an error and the lock is never written.
   * @default - {@link isCiMode}: `CI` set to anything but empty, `false` or `0`
   */
  readonly ci?: boolean;
  /**
   * PEM file with extra trusted CA certificates, added to the system roots.
   * @default - system roots only
   */
  readonly caBundlePath?: string;
  /**
   * Budget per request and per TLS handshake, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Largest discovery or JWKS document, in bytes.
   * @default 1048576
   */
  readonly maxDocumentBytes?: number;
  /**
   * Issuers looked up at the same time.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Warn about certificates that expire within this many days.
   * @default 30
   */
  readonly expiryWarningDays?: number;
  /**
   * Progress and warnings.
   * @default - {@link STDERR_LOGGER}
   */
  readonly logger?: LookupLogger;
  /**
   * Clock for expiry warnings.
   * @default - the system clock
   */
  readonly now?: () => Date;
}

/** Result of {@link prepareLookups}. */
export interface PrepareLookupsResult {
  /** Absolute or given lock path. */
  readonly lockPath: string;
  /** The lock as it now is (written or not). */
  readonly lock: LockFile;
  /** Facts of every requested issuer, by issuer URL. */
  readonly issuers: Readonly<Record<string, IssuerFacts>>;
  /** One entry per issuer looked up over the network (none when the lock was complete). */
  readonly changes: readonly IssuerChange[];
  /** Warnings, also sent to the logger. */
  readonly warnings: readonly string[];
  /** Whether the lock file was (re)written. */
  readonly lockWritten: boolean;
}

/**
 * Resolves every requested issuer to its recorded {@link IssuerFacts}, looking up over the
 * network only what the lock lacks (or everything with `refresh`).
 *
 * Guarantees: on any error the lock file is untouched; a lock-complete run opens no
 * connection; in CI mode the lock is never written; every recorded key's thumbprint is
 * re-derived from its JWK before the lock is used ({@link verifyLockIntegrity}).
 *
 * @throws LookupError — see {@link LookupErrorCode}; with several failing issuers,
 *   `LOOKUP_MULTIPLE_FAILED` whose `errors` lists each.
 */
export async function prepareLookups(options: PrepareLookupsOptions): Promise<PrepareLookupsResult> {
  const logger = options.logger ?? STDERR_LOGGER;
  const lockPath = options.lockPath ?? defaultLockPath();
  const ci = options.ci ?? isCiMode();
  const prune = options.prune ?? false;
  // pruning needs a fresh observation of what the hosts present
  const refresh = (options.refresh ?? false) || prune;
  const requests = normalizeRequests(options.issuers);

  const lock = readLockFile(lockPath) ?? emptyLock();
  // Every run re-derives what the lock claims about its keys: a hand-edited key fails here, before anything trusts it.
  verifyLockIntegrity(lock, lockPath);
  const toLookUp = requests.filter((r) => refresh || lock.issuers[r.issuer] === undefined);
  if (ci && !refresh) {
    const missing = toLookUp.map((r) => r.issuer);
    if (missing.length > 0) {
      throw lookupError(LookupErrorCode.LOCK_MISSING_IN_CI, { issuer: missing[0] },
        `CI mode: ${missing.length === 1 ? 'issuer is' : 'issuers are'} not recorded in ${lockPath}`, missing,
        'Run `npm run lookups` locally and commit the lock file; CI never looks issuers up on its own.');
    }
  }

  const observed = toLookUp.length > 0 ? await lookUpAll(toLookUp.map((r) => r.issuer), options, logger) : new Map<string, IssuerFacts>();

  const changes: IssuerChange[] = [];
  const next: Record<string, IssuerFacts> = { ...lock.issuers };
  for (const [issuer, now] of observed) {
    const before = lock.issuers[issuer];
    const merged = mergeFingerprints(before, now, prune);
    changes.push(diffIssuerFacts(issuer, before, merged, now.fingerprints));
    next[issuer] = merged;
  }

  for (const request of requests) checkPins(request, next[request.issuer], observed.has(request.issuer), lockPath);

  const changed = changes.filter((c) => c.kind !== IssuerChangeKind.UNCHANGED);
  for (const change of changes) logger.info(formatIssuerChange(change).join('\n'));
  if (ci && changed.length > 0) {
    throw lookupError(LookupErrorCode.LOCK_CHANGED_IN_CI, { issuer: changed[0].issuer },
      `CI mode: the refresh observed facts that differ from ${lockPath}:\n${changed.map((c) => formatIssuerChange(c).join('\n')).join('\n')}\n`,
      changed.map((c) => c.issuer),
      'Review the change; if it is an expected rotation, run `npm run lookups -- --refresh` locally and commit the lock.');
  }

  const warnings = expiryWarnings(requests.map((r) => next[r.issuer]), options);
  for (const warning of warnings) logger.warn(warning);

  const newLock: LockFile = { version: lock.version, issuers: next };
  let lockWritten = false;
  if (changed.length > 0) {
    writeLockFile(lockPath, newLock);
    lockWritten = true;
    logger.info(`wrote ${lockPath}`);
  }
  return {
    lockPath,
    lock: newLock,
    issuers: Object.fromEntries(requests.map((r) => [r.issuer, next[r.issuer]])),
    changes,
    warnings,
    lockWritten,
  };
}

/** Validates requests without touching the network; merges duplicates. */
function normalizeRequests(issuers: readonly IssuerRequest[]): { issuer: string; pins: string[] }[] {
  if (issuers.length === 0) {
    throw lookupError(LookupErrorCode.NO_ISSUERS, {}, 'no issuer to look up', [],
      'Pass at least one issuer (--issuer <url> on the command line).');
  }
  const byIssuer = new Map<string, Set<string>>();
  for (const request of issuers) {
    parseIssuerUrl(request.issuer);
    const pins = byIssuer.get(request.issuer) ?? new Set<string>();
    for (const [index, pin] of (request.pinnedFingerprints ?? []).entries()) {
      const normalized = parseFingerprint(pin);
      if (normalized === undefined) {
        throw lookupError(LookupErrorCode.PIN_INVALID, { issuer: request.issuer },
          `'pinnedFingerprints[${index}]' must be a SHA-1 fingerprint (40 hex characters, colons and OpenSSL's "SHA1 Fingerprint=" allowed)`, pin,
          'Copy it from `openssl x509 -noout -fingerprint -sha1`.');
      }
      pins.add(normalized);
    }
    byIssuer.set(request.issuer, pins);
  }
  return [...byIssuer].map(([issuer, pins]) => ({ issuer, pins: [...pins] }));
}

async function lookUpAll(
  issuers: readonly string[],
  options: PrepareLookupsOptions,
  logger: LookupLogger,
): Promise<Map<string, IssuerFacts>> {
  // Loaded here, not at the top: a lock-complete synth never needs the network stack.
  const { DEFAULT_FETCH_LIMITS, createLookupAgent, loadTrustStore, lookupIssuer } = await import('./network.js');
  const trust = loadTrustStore(options.caBundlePath);
  const limits = {
    ...DEFAULT_FETCH_LIMITS,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxDocumentBytes !== undefined ? { maxBytes: options.maxDocumentBytes } : {}),
  };
  const agent = createLookupAgent(trust, limits.timeoutMs);
  try {
    const settled = await settleWithConcurrency(issuers, options.concurrency ?? 8, async (issuer) => {
      logger.info(`looking up ${issuer}`);
      const facts = await lookupIssuer(issuer, { agent, trust, limits });
      logger.info(`looked up ${issuer}: ${facts.hosts.length} host(s), ${facts.keys.length} key(s)`);
      return facts;
    });
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [asLookupError(s.reason)] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      throw new LookupError(LookupErrorCode.MULTIPLE_FAILED,
        `${errors.length} issuers failed:\n${errors.map((e) => `- ${e.code}: ${e.message}`).join('\n')}`, { errors });
    }
    return new Map(issuers.map((issuer, i) => [issuer, (settled[i] as PromiseFulfilledResult<IssuerFacts>).value]));
  } finally {
    await agent.close();
  }
}

function asLookupError(reason: unknown): LookupError {
  return reason instanceof LookupError
    ? reason
    : new LookupError(LookupErrorCode.NETWORK_FAILED, `unexpected failure: ${(reason as Error)?.message ?? String(reason)}`, { cause: reason });
}

/**
 * Keeps recorded fingerprints next to newly observed ones, so an identity provider keeps
 * trusting the old certificate until its rotation is over (add new before, remove old after).
 */
function mergeFingerprints(before: IssuerFacts | undefined, observed: IssuerFacts, prune: boolean): IssuerFacts {
  const fingerprints = prune || !before
    ? [...observed.fingerprints]
    : [...new Set([...before.fingerprints, ...observed.fingerprints])];
  if (fingerprints.length > MAX_FINGERPRINTS) {
    const stale = before ? before.fingerprints.filter((f) => !observed.fingerprints.includes(f)) : [];
    throw lookupError(LookupErrorCode.TOO_MANY_FINGERPRINTS, { issuer: observed.issuer },
      `keeping recorded fingerprints next to the observed ones would make ${fingerprints.length}, more than the ${MAX_FINGERPRINTS} an OIDC provider accepts`,
      fingerprints,
      `Finish the rotation and run with --prune to drop fingerprints no longer presented (${stale.join(', ') || 'none'}).`);
  }
  return { ...observed, fingerprints };
}

function checkPins(request: { issuer: string; pins: string[] }, facts: IssuerFacts, fresh: boolean, lockPath: string): void {
  if (request.pins.length === 0) return;
  const checks = request.pins.map((pin) => checkPin(pin, facts));
  const roots = checks.flatMap((c) => (c.verdict === PinVerdict.ROOT_CA ? [c.fingerprint] : []));
  if (roots.length > 0) {
    throw lookupError(LookupErrorCode.PIN_ROOT_CA, { issuer: request.issuer },
      `pinned fingerprint(s) ${roots.join(', ')} belong to the root CA, not to the top certificate the issuer presents`, roots,
      'Alibaba Cloud checks the top certificate of the chain the server sends (the last one `openssl s_client -showcerts` prints); pin that one.');
  }
  const mismatches = checks.flatMap((c) => (c.verdict === PinVerdict.NOT_OBSERVED ? [c] : []));
  if (mismatches.length === 0) return;
  const unmatched = mismatches.map((c) => c.fingerprint);
  const seen = mismatches[0].observed;
  const where = fresh ? 'the certificates the issuer hosts present now' : `the certificates recorded in ${lockPath}`;
  throw lookupError(LookupErrorCode.PIN_MISMATCH, { issuer: request.issuer },
    `pinned fingerprint(s) ${unmatched.join(', ')} not among ${where} (${seen.join(', ')})`, unmatched,
    'A mismatch may mean the issuer URL is under attack (or DNS/TLS interception): do not just update the pin. ' +
      'Confirm the fingerprint out of band with the identity provider; if it rotated its certificate, update the pin and run with --refresh.');
}

function expiryWarnings(facts: readonly IssuerFacts[], options: PrepareLookupsOptions): string[] {
  const now = (options.now ?? (() => new Date()))().getTime();
  const days = options.expiryWarningDays ?? 30;
  const warnings: string[] = [];
  for (const issuer of facts) {
    for (const host of issuer.hosts) {
      const certs: [string, CertificateFact | undefined][] = [['leaf', host.leaf], ['presented top', host.presentedTop], ['root', host.root]];
      const seen = new Set<string>();
      for (const [role, cert] of certs) {
        if (!cert || seen.has(cert.sha1)) continue;
        seen.add(cert.sha1);
        const left = (Date.parse(cert.notAfter) - now) / 86_400_000;
        if (left < 0) {
          warnings.push(`[${issuer.issuer}] ${host.host}:${host.port} ${role} certificate ${cert.subject} (${cert.sha1}) expired on ${cert.notAfter}. Run with --refresh.`);
        } else if (left <= days) {
          warnings.push(`[${issuer.issuer}] ${host.host}:${host.port} ${role} certificate ${cert.subject} (${cert.sha1}) expires on ${cert.notAfter}, in ${Math.floor(left)} day(s). Expect a rotation; run with --refresh after it.`);
        }
      }
    }
  }
  return warnings;
}
