/**
 * Targets of a deployed environment: the M2M server's token endpoint (from the lock), each
 * client's secret from the environment variable the config names, the API group's second-level
 * domain and the ARNs from the deployed outputs, and the regional STS endpoint.
 */
import type { EnvironmentConfig } from '../config';
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
  /** Where secrets are read from (`process.env`). */
  readonly environmentVariables: Readonly<Record<string, string | undefined>>;
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
    secret(client) {
      const name = client.clientAuth?.secretEnv;
      if (!name) return { problem: `config clients[${client.name}].clientAuth.secretEnv is not set` };
      const value = options.environmentVariables[name];
      return value ? { secret: value } : { problem: `environment variable ${name} is not set` };
    },
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
