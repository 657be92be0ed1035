import type { AccessSystem } from '../model';
import { APIG } from './apig';
import { CLASSIC_GATEWAY } from './classic-gateway';
import { OCI_API_GATEWAY } from './oci';
import { RAM_FEDERATION } from './ram-federation';

export type { ClassicGatewayAccess, GatewayRoute, JwtSettings } from './classic-gateway';
export type { RamFederationAccess, RoleAccess, OidcProviderAccess, TrustStatement, TrustCondition } from './ram-federation';
export type { ProbedCaller } from './access-control-probe';
export type { ApigAccess, ApigJwtPolicy } from './apig';
export type { OciAccess, OciDeploymentAccess, OciRouteAccess } from './oci';

/** Every system the access map knows, in display order. Add a system here to plug it in. */
export const ACCESS_SYSTEMS: readonly AccessSystem<never>[] = [
  CLASSIC_GATEWAY as AccessSystem<never>,
  RAM_FEDERATION as AccessSystem<never>,
  APIG as AccessSystem<never>,
  OCI_API_GATEWAY as AccessSystem<never>,
];
