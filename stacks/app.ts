import { App } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../config/environment';
import type { LockFile } from '../core/issuer-facts';
import { IssuerLookup, SecurityChecks } from '../constructs';
import { ApigStack } from './apig-stack';
import { FederationStack } from './federation-stack';
import { GatewayStack } from './gateway-stack';
import { OciStack } from './oci-stack';

/** Options for {@link buildApp}. */
export interface BuildAppOptions {
  /** Output directory of the synth. */
  readonly outdir: string;
  /** Validated environment configs. */
  readonly environments: readonly EnvironmentConfig[];
  /** Synth-time lookup facts (the lock after `prepareLookups`). */
  readonly lock: LockFile;
  /**
   * Directory of the local state files of environments without remote state.
   * @default - `state/` under the current directory (never under the output directory)
   */
  readonly localStateDir?: string;
  /**
   * Record stack traces in annotation metadata (cdktf's `App({ stackTraces })`).
   * @default false
   */
  readonly stackTraces?: boolean;
}

/**
 * The ids of the stacks {@link buildApp} creates for an environment, in creation order. Tests and
 * tools that check the actual config derive the expected stacks from here, never from a list.
 */
export function stackIdsOf(env: EnvironmentConfig): string[] {
  return [`gateway-${env.name}`, `federation-${env.name}`, ...(env.apig ? [`apig-${env.name}`] : []), ...(env.oci ? [`oci-${env.name}`] : [])];
}

/**
 * Composes the app: per environment a gateway stack and a federation stack
 * (`gateway-<env>`, `federation-<env>`), plus `apig-<env>` when the environment configures
 * cloud-native API Gateway and `oci-<env>` when it has an `oci` section, each with the security checks attached
 * (production environments get the production rules).
 */
export function buildApp(options: BuildAppOptions): App {
  const app = new App({ outdir: options.outdir, stackTraces: options.stackTraces ?? false });
  IssuerLookup.attach(app, options.lock);
  for (const env of options.environments) {
    const stacks: TerraformStack[] = [
      new GatewayStack(app, `gateway-${env.name}`, env, { localStateDir: options.localStateDir }),
      new FederationStack(app, `federation-${env.name}`, env, { localStateDir: options.localStateDir }),
    ];
    if (env.apig) stacks.push(new ApigStack(app, `apig-${env.name}`, { ...env, apig: env.apig }, { localStateDir: options.localStateDir }));
    if (env.oci) stacks.push(new OciStack(app, `oci-${env.name}`, { ...env, oci: env.oci }, { localStateDir: options.localStateDir }));
    for (const stack of stacks) SecurityChecks.attach(stack, { production: env.production });
  }
  return app;
}
