/**
 * `npm run sts-emulator -- --stack <cdk.tf.json> [--lock lookups.lock.json] [--account-id <uid>] [--port 9443]`
 *
 * Serves AssumeRoleWithOIDC for a synthesized federation stack.
 */
import { type CommandOutput, PROCESS_OUTPUT, parseCommandLine, usageError } from '../core/command-line';
import { LOCK_FILE_NAME, readLockFile } from '../lookups/lock-file';
import { StsEmulator, issuerFactsFromLock } from '../emulator/sts';
import { type StsEmulatorServer, startStsEmulatorServer } from '../emulator/sts-server';

/** Account UID used in ARNs unless `--account-id` says otherwise (the example's dev account). */
const DEFAULT_EMULATED_ACCOUNT_ID = '1234567890123456';

/** Help text of the CLI. */
export const STS_EMULATOR_HELP = `Usage: npm run sts-emulator -- --stack <cdk.tf.json> [options]

Serves STS AssumeRoleWithOIDC (RPC style, Version 2015-04-01, JSON) for the OIDC identity
providers and RAM roles of a synthesized federation stack. It checks the token like STS does
(signature against the issuer's JWKS recorded in the lock, iss, aud, exp, the issuance limit, the
role's trust policy, DurationSeconds, RoleSessionName) and answers with random temporary
credentials or the STS error code, plus a Reason field saying what failed. Nothing is logged but
the action, status and error code of each call.

Options:
  --stack <file>       Synthesized federation stack, e.g. cdktf.out/stacks/federation-dev/cdk.tf.json (required).
  --lock <file>        Lock file with the issuers' JWKS and fingerprints. Default: lookups.lock.json.
  --account-id <uid>   Account UID used in the provider and role ARNs. Default: ${DEFAULT_EMULATED_ACCOUNT_ID}.
  --port <port>        Port to listen on (0 picks a free one). Default: 9443.
  --host <addr>        Address to listen on. Default: 127.0.0.1.
  --help               Show this help.

Example (anonymous RPC call, as the API reference describes):
  curl -s http://127.0.0.1:9443/ -d Action=AssumeRoleWithOIDC -d Version=2015-04-01 -d Format=JSON \\
    --data-urlencode "OIDCProviderArn=<oidc_provider_arn>" --data-urlencode "RoleArn=<role_arn>" \\
    -d RoleSessionName=try --data-urlencode "OIDCToken=$TOKEN"

Exit status: 0 on --help, 1 when the stack or lock cannot be loaded, 2 on a usage error.
`;

/** Result of {@link runStsEmulatorCli}: an exit code, or a running server. */
export type StsEmulatorCliResult = { readonly code: number; readonly server?: undefined } | { readonly code?: undefined; readonly server: StsEmulatorServer };

/**
 * Runs the STS emulator CLI.
 * @param argv - arguments after the script name
 */
export async function runStsEmulatorCli(argv: readonly string[], output: CommandOutput = PROCESS_OUTPUT): Promise<StsEmulatorCliResult> {
  const line = parseCommandLine(argv, {
    stack: { type: 'string' },
    lock: { type: 'string', default: LOCK_FILE_NAME },
    'account-id': { type: 'string', default: DEFAULT_EMULATED_ACCOUNT_ID },
    port: { type: 'string', default: '9443' },
    host: { type: 'string', default: '127.0.0.1' },
  }, STS_EMULATOR_HELP, false, output);
  if (line.exitCode !== undefined) return { code: line.exitCode };
  const { values } = line;
  const usage = (message: string): StsEmulatorCliResult => ({ code: usageError(message, STS_EMULATOR_HELP, output).exitCode });
  if (!values.stack) return usage('--stack is required');
  const accountId = values['account-id'] ?? DEFAULT_EMULATED_ACCOUNT_ID;
  if (!/^\d{16}$/.test(accountId)) return usage(`--account-id must be a 16-digit account UID, got ${accountId}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, got ${values.port}`);

  let emulator: StsEmulator;
  try {
    const lockFile = values.lock ?? LOCK_FILE_NAME;
    // the one reader of the lock: it validates the file and names the entry that is wrong
    const lock = readLockFile(lockFile);
    if (!lock) throw new Error(`missing lock ${lockFile}: run \`npm run lookups\` first`);
    emulator = StsEmulator.fromFile(values.stack, { accountId, issuers: issuerFactsFromLock(lock) });
  } catch (error) {
    output.writeError(`${(error as Error).message}\n`);
    return { code: 1 };
  }
  for (const warning of emulator.model.warnings) output.writeError(`warning: ${warning}\n`);
  const server = await startStsEmulatorServer(emulator, {
    port,
    host: values.host,
    onAnswer: (a) => output.write(`${a.action} ${a.status}${a.code ? ` ${a.code}` : ''}${a.roleArn ? ` ${a.roleArn}` : ''}\n`),
  });
  output.write([
    `STS emulator: ${server.url} (AssumeRoleWithOIDC, Version 2015-04-01)`,
    `stack:        ${values.stack}`,
    'OIDC providers:',
    ...emulator.model.providers.map((p) => `  ${p.arn}  (issuer ${p.issuerUrl}; client IDs ${p.clientIds.join(', ')}; issuance limit ${p.issuanceLimitHours} h)`),
    'roles:',
    ...emulator.model.roles.map((r) => `  ${r.arn}  (max ${r.maxSessionDurationSeconds} s)`),
    'Ctrl-C to stop.',
    '',
  ].join('\n'));
  return { server };
}
