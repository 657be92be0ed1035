/**
 * `npm run verify -- --env <name> [--outputs <file>]... | --local` — see {@link VERIFY_HELP}.
 */
import { readFileSync } from 'node:fs';
import { PROCESS_OUTPUT, parseCommandLine, usageError } from '../core/command-line';
import type { EnvironmentConfig } from '../config';
import { validateEnvironments } from '../config';
import { RAM_ROLE_SESSION_SECONDS } from '../core/ranges';
import { MIN_DURATION_SECONDS } from '../emulator/sts';
import { defaultLockPath, readLockFile } from '../lookups/lock-file';
import type { LockFile } from '../core/issuer-facts';
import type { DemoExample } from '../demo-issuer';
import { localOciProblem, startLocalStack } from './local';
import { type StackOutputs, readOutputsArgument } from './outputs';
import { OCI_ROUTES, ROUTE_SOURCES, planVerification } from './plan';
import { formatReport, verifyReport } from './report';
import { runVerification } from './run';
import { deployedTargets, regionalStsEndpoint } from './targets';

/** Help text of `npm run verify`. */
export const VERIFY_HELP = `Usage: npm run verify -- --env <name> --outputs <file> [options]
       npm run verify -- --env <name> --local [options]

Checks an environment end to end against what its config implies:
  - a token per configured client from the M2M server's token endpoint (client credentials,
    client_secret_post or client_secret_basic as configured), carrying exactly its scopes;
  - every protected API on every stage it is published to (the group's second-level domain,
    path and method; non-RELEASE stages with the X-Ca-Stage header): an allowed client holding
    the scopes gets 2xx, any other client 403, a call without token 401;
  - the cloud-native APIG global JWT authentication, when configured (apig): the subject client
    (any client when apig.subjectClient is unset) passes, any other client and no token get 401;
  - STS AssumeRoleWithOIDC (anonymous, official SDK) for every role and client: an allowed subject
    gets credentials expiring after --duration, any other client is refused
    (AuthenticationFail.NoPermission).
Prints one table (check, expected, got); exits 1 when any check fails.

Deployed (default): reads cdktf.out/stacks/{gateway,federation}-<env>/cdk.tf.json (npm run synth),
the token endpoint from lookups.lock.json and the deployed outputs from --outputs. Each client's
secret comes from the environment variable named by clients[].clientAuth.secretEnv in the config
(example: M2M_REPORTING_CLIENT_SECRET, M2M_PROVISIONING_CLIENT_SECRET). Secrets, tokens and
credentials are never printed.

Local (--local): the same checks against the demo issuer (the example's M2M server and its demo
secrets), the gateway, APIG and STS emulators, started in-process on free loopback ports from the
synthesized stacks. OCI routes (oci-<env>) are checked through the OCI emulator (the lock's keys in
place of the recorded JWKS URL) with a second demo issuer as the identity domain (the config's
oci.clients and grants), when the identity domain's issuer is the demo issuer. No secret
variables needed.

Options:
  --env <name>            Environment from config/environments.ts (required).
  --outputs <file>        Deployed outputs: the file \`npx cdktf output <stacks> --outputs-file <file>\`
                          writes ({ "<stack>": { "<output>": value } }), or <stack>=<file> for the
                          output of \`terraform output -json\` in one stack's directory. Repeatable.
  --local                 Check the local stack instead of a deployed one.
  --outdir <dir>          Where the stacks were synthesized. Default: cdktf.out.
  --lock <file>           Lock file. Default: lookups.lock.json of the project.
  --sts-endpoint <url>    STS endpoint. Default: https://sts.<region>.aliyuncs.com of the environment.
  --token-endpoint <url>  Token endpoint. Default: the one the lock records for the M2M server.
  --apig-url <url>        Base URL of the cloud-native APIG gateway environment (apig-<env>), e.g.
                          https://api.example.com: its stack imports the gateway, so no output
                          holds the address. Needed when the environment configures apig.
  --oci-url <url>         Base URL of the OCI API Gateway (oci-<env>), e.g. https://<gateway hostname>.
                          Needed when the environment configures oci.
  --oci-token-endpoint <url>
                          Token endpoint of the OCI identity domain. Default:
                          <oci.identityDomain.url>/oauth2/v1/token. OCI clients' secrets are read
                          from the variables their oci.clients[].clientAuth.secretEnv names.
  --ca-bundle <pem>       Extra trusted CA certificates for the token endpoint and the gateway.
  --duration <seconds>    DurationSeconds of the STS exchanges (900-43200). Default: 900.
  --json                  Print the report as JSON instead of a table.
  --help                  Show this help.

Exit status: 0 when every check passes, 1 when one fails (or the stacks, lock or outputs cannot
be read), 2 on a usage error.
`;

/** Where the CLI writes and what it reads. */
export interface VerifyCliContext {
  /** The configured environments. */
  readonly environments: readonly EnvironmentConfig[];
  /**
   * Environment variables (client secrets).
   * @default process.env
   */
  readonly environmentVariables?: Readonly<Record<string, string | undefined>>;
  /**
   * What the demo issuer serves with `--local` (audience, scopes, clients and their grants).
   * @default - the committed example's `dev` environment
   */
  readonly localWorld?: DemoExample;
  /**
   * Report and help.
   * @default process.stdout
   */
  write?(text: string): void;
  /**
   * Errors.
   * @default process.stderr
   */
  writeError?(text: string): void;
}

/**
 * Runs `npm run verify`.
 * @param argv - arguments after the script name
 * @returns the exit code
 */
export async function runVerifyCli(argv: readonly string[], context: VerifyCliContext): Promise<number> {
  const write = context.write ?? PROCESS_OUTPUT.write;
  const writeError = context.writeError ?? PROCESS_OUTPUT.writeError;
  const output = { write, writeError };
  const line = parseCommandLine(argv, {
    env: { type: 'string' },
    outputs: { type: 'string', multiple: true },
    local: { type: 'boolean', default: false },
    outdir: { type: 'string', default: 'cdktf.out' },
    lock: { type: 'string' },
    'sts-endpoint': { type: 'string' },
    'token-endpoint': { type: 'string' },
    'apig-url': { type: 'string' },
    'oci-url': { type: 'string' },
    'oci-token-endpoint': { type: 'string' },
    'ca-bundle': { type: 'string' },
    duration: { type: 'string', default: '900' },
    json: { type: 'boolean', default: false },
  }, VERIFY_HELP, false, output);
  if (line.exitCode !== undefined) return line.exitCode;
  const { values } = line;
  const usage = (message: string): number => usageError(message, VERIFY_HELP, output).exitCode;
  if (!values.env) return usage('--env is required');
  const env = context.environments.find((e) => e.name === values.env);
  if (!env) return usage(`--env ${values.env} is not a configured environment (configured: ${context.environments.map((e) => e.name).join(', ')})`);
  const duration = Number(values.duration);
  if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > RAM_ROLE_SESSION_SECONDS.max) {
    return usage(`--duration must be whole seconds from ${MIN_DURATION_SECONDS} to ${RAM_ROLE_SESSION_SECONDS.max}, got ${values.duration}`);
  }
  for (const flag of ['sts-endpoint', 'token-endpoint', 'apig-url', 'oci-url', 'oci-token-endpoint'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^https?:\/\/[^\s/]+/.test(value)) return usage(`--${flag} must be an http(s) URL, got ${value}`);
  }
  if (values.local && values.outputs?.length) return usage('--outputs and --local exclude each other: --local takes the outputs from the emulators');
  if (!values.local && !values.outputs?.length) return usage('--outputs is required to verify a deployed environment (or pass --local)');

  try {
    validateEnvironments([env]);
    // --local plays the OCI identity domain only with the demo issuer's keys: say so rather than report OCI as checked
    const ociProblem = values.local ? localOciProblem(env) : undefined;
    if (ociProblem) writeError(`note: ${ociProblem}\n`);
    const plan = planVerification(env, values.outdir ?? 'cdktf.out', ociProblem ? ROUTE_SOURCES.filter((s) => s !== OCI_ROUTES) : ROUTE_SOURCES);
    const lockPath = values.lock ?? defaultLockPath();
    const lock: LockFile | undefined = readLockFile(lockPath);
    if (!lock) throw new Error(`missing lock ${lockPath}: run \`npm run lookups\` first`);
    let rows;
    if (values.local) {
      const local = await startLocalStack(plan, lock, context.localWorld);
      try {
        rows = await runVerification(plan, local.targets, { durationSeconds: duration });
      } finally {
        await local.close();
      }
    } else {
      const outputs: StackOutputs = {};
      for (const spec of values.outputs ?? []) readOutputsArgument(spec, [plan.stacks.gateway, plan.stacks.federation], outputs);
      const tokenEndpoint = values['token-endpoint'] ?? lock.issuers[env.m2mServer.issuer]?.tokenEndpoint;
      if (!tokenEndpoint) throw new Error(`the lock records no token endpoint for ${env.m2mServer.issuer}: run \`npm run lookups -- --refresh\` or pass --token-endpoint`);
      const caPem = values['ca-bundle'] ? readFileSync(values['ca-bundle'], 'utf8') : undefined;
      const targets = deployedTargets({
        env, tokenEndpoint, outputs, caPem, environmentVariables: context.environmentVariables ?? process.env, hostOptions: { 'apig-url': values['apig-url'], 'oci-url': values['oci-url'] },
        ociTokenEndpoint: values['oci-token-endpoint'],
        stsEndpoint: values['sts-endpoint'] ?? regionalStsEndpoint(env.region),
      });
      rows = await runVerification(plan, targets, { durationSeconds: duration });
    }
    const report = verifyReport(env.name, values.local ? 'local' : 'deployed', rows);
    write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof Error) {
      writeError(`verify failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
