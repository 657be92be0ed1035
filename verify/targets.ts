/**
 * Targets of a deployed environment: the M2M server's token endpoint (from the lock), each
 * client's secret from the environment variable the config names, the API group's second-level
 * domain and the ARNs from the deployed outputs, and the regional STS endpoint.
 */
import type { ClientAuthConfig, EnvironmentConfig, OciClientConfig } from '../config';
import type { StackOutputs } from './outputs';
import type { RouteCheck } from './plan';
import type { VerifyTargets } from './run';

/** The regional STS endpoint of a region, e.g. `https://sts.cn-hangzhou.aliyuncs.com`. */
export function regionalStsEndpoint(region: string): string {
  return `https://sts.${region}.aliyuncs.com`;
}

/** Options of {@link deployedTargets}. */
export interface DeployedTargetOptions {
  /** The environment. */
  readonly env: EnvironmentConfig;
  /** Token endpoint (from the lock, or `--token-endpoint`). */
  readonly tokenEndpoint: string;
  /** Deployed outputs by stack. */
  readonly outputs: StackOutputs;
  /**
   * STS endpoint.
   * @default - the environment region's endpoint
   */
  readonly stsEndpoint?: string;
  /**
   * Extra trusted CA certificates (PEM) for the token endpoint and the gateway.
   * @default - the system trust store
   */
  readonly caPem?: string;
  /**
   * Base URLs given on the command line, by option name (e.g. `apig-url`).
   * @default - none
   */
  readonly hostOptions?: Readonly<Record<string, string | undefined>>;
  /**
   * Token endpoint of the OCI identity domain.
   * @default - `<oci.identityDomain.url>/oauth2/v1/token` (none without `oci`)
   */
  readonly ociTokenEndpoint?: string;
  /** Where secrets are read from (`process.env`). */
  readonly environmentVariables: Readonly<Record<string, string | undefined>>;
}

/** The token endpoint of an OCI IAM identity domain (`<domain URL>/oauth2/v1/token`). */
function ociTokenEndpoint(domainUrl: string): string {
  return `${domainUrl.replace(/\/+$/, '')}/oauth2/v1/token`;
}

/** A secret from the environment variable `clientAuth.secretEnv` names, or why there is none (never the value). */
function secretFromEnv(options: DeployedTargetOptions, auth: ClientAuthConfig | undefined, field: string): { secret: string } | { problem: string } {
  const name = auth?.secretEnv;
  if (!name) return { problem: `config ${field}.clientAuth.secretEnv is not set` };
  const value = options.environmentVariables[name];
  return value ? { secret: value } : { problem: `environment variable ${name} is not set` };
}

/** Targets of a deployed environment. */
export function deployedTargets(options: DeployedTargetOptions): VerifyTargets {
  const output = (stack: string, name: string): unknown => options.outputs[stack]?.[name];
  return {
    mode: 'deployed',
    tokenEndpoint: options.tokenEndpoint,
    caPem: options.caPem,
    stsEndpoint: options.stsEndpoint ?? regionalStsEndpoint(options.env.region),
    output,
    secret: (client) => secretFromEnv(options, client.clientAuth, `clients[${client.name}]`),
    ...(options.env.oci ? {
      oci: {
        tokenEndpoint: options.ociTokenEndpoint ?? ociTokenEndpoint(options.env.oci.identityDomain.url),
        secret: (client: OciClientConfig) => secretFromEnv(options, client.clientAuth, `oci.clients[${client.name}]`),
      },
    } : {}),
    baseUrl(route: RouteCheck) {
      if (route.hostOption) {
        const url = options.hostOptions?.[route.hostOption];
        return url ? { url } : { problem: `pass --${route.hostOption} <url> (the address of ${route.api})` };
      }
      if (!route.hostOutput) return { problem: `no output with the host of ${route.api}` };
      const host = output(route.stack, route.hostOutput);
      if (typeof host !== 'string' || host === '') return { problem: `no output ${route.hostOutput} of ${route.stack} (pass --outputs)` };
      return { url: `${route.scheme}://${host}` };
    },
  };
}
