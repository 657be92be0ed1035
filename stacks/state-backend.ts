import * as path from 'node:path';
import { App, LocalBackend, OssBackend } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { EnvironmentConfig, StateConfig } from '../config/environment';

/**
 * Default directory of local state files: `state/` under the directory the app runs in (the
 * project root for `npm run synth` and `npx cdktf ...`). It is git-ignored and never written,
 * moved or deleted by synth, unlike anything under `cdktf.out/`.
 */
export function defaultLocalStateDir(): string {
  return path.resolve('state');
}

/** Options every environment stack takes besides its {@link EnvironmentConfig}. */
export interface EnvironmentStackOptions {
  /**
   * Directory of local state files (environments without `state.oss`).
   * @default - {@link defaultLocalStateDir}: `state/` under the current directory
   */
  readonly localStateDir?: string;
}

/**
 * Configures where a stack keeps its Terraform state: OSS with TableStore locking when the
 * environment config says so (teams, and every production environment), otherwise one local
 * state file per stack, `<localStateDir>/<stack>.tfstate`.
 *
 * Terraform resolves a local backend's `path` against its working directory, which for cdktf is
 * the stack's output directory (`<outdir>/stacks/<stack>/`). The path written is therefore
 * relative from there to the state file (`../../../state/<stack>.tfstate` for the default
 * `cdktf.out`), so it stays valid on every machine and no state ever lives under `cdktf.out/`.
 * `synthAndValidate` synthesizes into a sibling of the final output directory, at the same depth,
 * so the relative path is the same for both.
 *
 * No credentials are written: the OSS backend reads them from the environment
 * (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`, a profile, or an ECS/OIDC role),
 * like the provider.
 *
 * @returns the local state file's absolute path, or `undefined` for remote state
 */
export function configureStateBackend(stack: TerraformStack, stackId: string, state: StateConfig, localStateDir: string = defaultLocalStateDir()): string | undefined {
  if (state.oss) {
    new OssBackend(stack, {
      bucket: state.oss.bucket,
      region: state.oss.region,
      prefix: state.oss.prefix,
      key: `${stackId}.tfstate`,
      encrypt: true,
      acl: 'private',
      tablestoreEndpoint: state.oss.tablestoreEndpoint,
      tablestoreTable: state.oss.tablestoreTable,
    });
    return undefined;
  }
  const stateFile = path.resolve(localStateDir, `${stackId}.tfstate`);
  const workingDir = path.resolve(App.of(stack).outdir, 'stacks', stack.node.id); // cdktf's working directory for the stack
  new LocalBackend(stack, { path: path.relative(workingDir, stateFile).split(path.sep).join('/') });
  return stateFile;
}
