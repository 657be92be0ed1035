/**
 * `npm run lookups -- [--refresh] [--prune] [--issuer <url> ...] [--ca-bundle <pem>] [--lock <path>]`
 *
 * Records OIDC issuer facts (TLS fingerprints, JWKS) in the lock file and prints them.
 */
import Table from 'cli-table3';
import { type CommandOutput, PROCESS_OUTPUT, parseCommandLine, usageError } from '../core/command-line';
import { colors } from '../core/terminal';
import { type IssuerChange, IssuerChangeKind, formatIssuerChange } from '../lookups/changes';
import { LookupError } from '../lookups/errors';
import type { CertificateFact, IssuerFacts } from '../core/issuer-facts';
import { type IssuerRequest, type LookupLogger, prepareLookups } from '../lookups/prepare';

/** No colour when stdout is not a terminal or NO_COLOR is set (core/terminal). */
const pc = colors();

/** Options of {@link runLookupsCli}. */
export interface RunLookupsCliOptions {
  /**
   * Issuers to look up when no `--issuer` is given (the app's environment config).
   * @default - none: the CLI asks for --issuer
   */
  readonly defaultIssuers?: readonly IssuerRequest[];
  /**
   * Where tables and help (`write`) and progress, warnings and errors (`writeError`) go.
   * @default - process.stdout / process.stderr
   */
  readonly output?: CommandOutput;
  /**
   * CI mode (missing or changed entries fail, the lock is never written).
   * @default - `CI` set to anything but empty, `false` or `0` (see isCiMode)
   */
  readonly ci?: boolean;
}

/** Help text of the CLI. */
const LOOKUPS_HELP = `Usage: npm run lookups -- [options]

Looks up OIDC issuers (discovery, JWKS, TLS certificate fingerprints) and records them in
the lock file that synth reads. Issuers already recorded are not contacted unless --refresh.

Options:
  --issuer <url>      Issuer URL to look up (repeatable). Default: the app's configured issuers.
  --refresh           Re-fetch every issuer and show what changed. New fingerprints are
                      added next to recorded ones (certificate rotation).
  --prune             With --refresh (implied): drop fingerprints no host presents any more.
                      Run it once the identity provider finished its certificate rotation.
  --ca-bundle <pem>   PEM file with extra trusted CA certificates (private CAs).
  --lock <path>       Lock file. Default: lookups.lock.json in the project root.
  --timeout <ms>      Timeout per request and TLS handshake. Default: 10000.
  --json              Print the result as JSON on stdout (issuers, status, changes, lock).
  -h, --help          Show this help.

In CI (CI set to anything but empty, false or 0) a missing or changed entry is an error and the lock is never written.
Exit status: 0 on success, 1 on a lookup error, 2 on a usage error.
`;

/** The options of the CLI (`--help` / `-h` comes with parseCommandLine). */
const LOOKUPS_OPTIONS = {
  issuer: { type: 'string', multiple: true },
  refresh: { type: 'boolean' },
  prune: { type: 'boolean' },
  'ca-bundle': { type: 'string' },
  lock: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * Runs the lookups CLI.
 *
 * @param argv - arguments after the script name (`process.argv.slice(2)`).
 * @returns the process exit code: 0 success, 1 lookup error, 2 usage error.
 */
export async function runLookupsCli(argv: readonly string[], options: RunLookupsCliOptions = {}): Promise<number> {
  const out = options.output ?? PROCESS_OUTPUT;
  const errorLabel = pc.red('error:');
  const line = parseCommandLine(argv, LOOKUPS_OPTIONS, LOOKUPS_HELP, false, out, { helpShort: 'h', errorLabel });
  if (line.exitCode !== undefined) return line.exitCode;
  const { values } = line;
  const usage = (message: string): number => usageError(`${errorLabel} ${message}`, LOOKUPS_HELP, out).exitCode;
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) {
    return usage(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}`);
  }
  const issuers: readonly IssuerRequest[] = values.issuer?.length
    ? values.issuer.map((issuer) => ({
        issuer,
        ...(pinsFor(issuer, options.defaultIssuers) ? { pinnedFingerprints: pinsFor(issuer, options.defaultIssuers) } : {}),
      }))
    : options.defaultIssuers ?? [];
  if (issuers.length === 0) {
    return usage('no issuer to look up: pass --issuer <url> (the app has no configured issuers yet).');
  }
  const logger: LookupLogger = {
    info: (message) => out.writeError(`${pc.dim(message)}\n`),
    warn: (message) => out.writeError(`${pc.yellow('warning:')} ${message}\n`),
  };
  try {
    const result = await prepareLookups({
      issuers,
      refresh: values.refresh ?? false,
      prune: values.prune ?? false,
      ...(values['ca-bundle'] !== undefined ? { caBundlePath: values['ca-bundle'] } : {}),
      ...(values.lock !== undefined ? { lockPath: values.lock } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(options.ci !== undefined ? { ci: options.ci } : {}),
      logger,
    });
    const changes = new Map(result.changes.map((c) => [c.issuer, c]));
    if (values.json) {
      out.write(`${JSON.stringify({
        lockPath: result.lockPath,
        lockWritten: result.lockWritten,
        issuers: issuers.map((request) => ({
          issuer: request.issuer,
          status: changes.get(request.issuer)?.kind ?? 'from-lock',
          change: changes.get(request.issuer),
          facts: result.issuers[request.issuer],
        })),
        warnings: result.warnings,
      }, null, 2)}\n`);
      return 0;
    }
    for (const request of issuers) {
      out.write(`${renderIssuerTable(result.issuers[request.issuer], changes.get(request.issuer))}\n`);
    }
    out.write(`${result.lockWritten ? `${pc.green('wrote')} ${result.lockPath}` : `${result.lockPath} ${pc.dim('unchanged')}`}\n`);
    return 0;
  } catch (error) {
    if (error instanceof LookupError) {
      out.writeError(`${pc.red(`error ${error.code}:`)} ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function pinsFor(issuer: string, defaults: readonly IssuerRequest[] | undefined): readonly string[] | undefined {
  return defaults?.find((d) => d.issuer === issuer)?.pinnedFingerprints;
}

function certCell(cert: CertificateFact | undefined): string {
  if (!cert) return pc.dim('(not recorded)');
  const days = Math.floor((Date.parse(cert.notAfter) - Date.now()) / 86_400_000);
  const expiry = days < 0 ? pc.red(`expired ${cert.notAfter}`) : days <= 30 ? pc.yellow(`expires ${cert.notAfter} (${days} d)`) : `expires ${cert.notAfter}`;
  return `${cert.sha1}\n${cert.subject}\nissuer: ${cert.issuer}\n${expiry}`;
}

/**
 * Renders one issuer's recorded facts (and what changed) as a table.
 */
function renderIssuerTable(facts: IssuerFacts, change?: IssuerChange): string {
  const status = !change
    ? pc.dim('from lock (no network)')
    : change.kind === IssuerChangeKind.UNCHANGED
      ? pc.green('unchanged')
      : change.kind === IssuerChangeKind.ADDED
        ? pc.green('added')
        : pc.yellow('changed');
  const table = new Table({ wordWrap: true, style: { head: [], border: [] } });
  table.push(
    [{ colSpan: 2, content: `${pc.bold(facts.issuer)}  ${status}` }],
    ['jwks_uri', facts.jwksUri],
    ['token_endpoint', facts.tokenEndpoint ?? pc.dim('(none)')],
  );
  for (const host of facts.hosts) {
    table.push(
      [{ colSpan: 2, content: pc.bold(`host ${host.host}:${host.port}`) }],
      ['presented top', certCell(host.presentedTop)],
      ['root', certCell(host.root)],
      ['leaf', certCell(host.leaf)],
    );
  }
  const added = new Set(change?.fingerprintsAdded ?? []);
  const stale = new Set(change?.fingerprintsNotObserved ?? []);
  table.push([
    'fingerprints',
    facts.fingerprints
      .map((f) => `${f}${added.has(f) ? pc.green(' (new)') : ''}${stale.has(f) ? pc.yellow(' (no longer presented: --prune after rotation)') : ''}`)
      .join('\n'),
  ]);
  table.push([
    'JWKS keys',
    facts.keys.map((k) => `${k.kid ?? pc.dim('(no kid)')}  ${k.alg ?? '-'} ${k.kty}${k.use ? ` ${k.use}` : ''}\n  ${pc.dim(k.thumbprint)}`).join('\n'),
  ]);
  if (change && change.kind === IssuerChangeKind.CHANGED) {
    table.push(['changes', formatIssuerChange(change).slice(1).map((l) => l.trim()).join('\n')]);
  }
  return table.toString();
}

if (require.main === module) {
  runLookupsCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
