import { LocalBackend, OssBackend } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { StateConfig } from '../config/environment';

/**
 * Configures where a stack keeps its Terraform state: OSS with TableStore locking when the
 * environment config says so (teams), otherwise a local state file per stack (the example).
 *
 * No credentials are written: the OSS backend reads them from the environment
 * (`ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`, a profile, or an ECS/OIDC role), like the provider.
 */
export function configureStateBackend(stack: TerraformStack, stackId: string, state: StateConfig): void {
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
  } else {
    new LocalBackend(stack, { path: `terraform.${stackId}.tfstate` });
  }
}
