import { App } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { ApigConfig } from '../config/apig';
import type { EnvironmentConfig } from '../config/environment';
import type { OciConfig } from '../config/oci';
import type { LockFile } from '../core/issuer-facts';
import { IssuerLookup, SecurityChecks } from '../constructs';
import { ApigStack } from './apig-stack';
import { FederationStack } from './federation-stack';
import { GatewayStack } from './gateway-stack';
import { OciStack } from './oci-stack';
import type { EnvironmentStackOptions } from './state-backend';

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
 * The kinds of stack an environment can have, in creation order: the id prefix (`<prefix>-<env>`),
 * whether the environment has that side, and how the stack is built. The one home of the stack
 * list, for {@link buildApp} and {@link stackIdsOf} alike.
 */
const STACK_KINDS: readonly {
  readonly prefix: string;
  applies(env: EnvironmentConfig): boolean;
  build(app: App, id: string, env: EnvironmentConfig, options: EnvironmentStackOptions): TerraformStack;
}[] = [
  { prefix: 'gateway', applies: () => true, build: (app, id, env, options) => new GatewayStack(app, id, env, options) },
  { prefix: 'federation', applies: () => true, build: (app, id, env, options) => new FederationStack(app, id, env, options) },
  {
    prefix: 'apig',
    applies: (env) => env.apig !== undefined,
    build: (app, id, env, options) => new ApigStack(app, id, env as EnvironmentConfig & { readonly apig: ApigConfig }, options),
  },
  {
    prefix: 'oci',
    applies: (env) => env.oci !== undefined,
    build: (app, id, env, options) => new OciStack(app, id, env as EnvironmentConfig & { readonly oci: OciConfig }, options),
  },
];

/**
 * The ids of the stacks {@link buildApp} creates for an environment, in creation order. Tests and
 * tools that check the actual config derive the expected stacks from here, never from a list.
 */
export function stackIdsOf(env: EnvironmentConfig): string[] {
  return STACK_KINDS.filter((kind) => kind.applies(env)).map((kind) => `${kind.prefix}-${env.name}`);
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
    for (const kind of STACK_KINDS.filter((k) => k.applies(env))) {
      const stack = kind.build(app, `${kind.prefix}-${env.name}`, env, { localStateDir: options.localStateDir });
      SecurityChecks.attach(stack, { production: env.production });
    }
  }
  return app;
}
