/**
 * Local API Gateway emulator: enforces the `jwtAuth`, `accessControl` and `trafficControl`
 * plugins of a synthesized stack so requests with real tokens can be checked before deploying.
 */
export * from './access-control';
export * from './condition';
export * from './apig';
export * from './apig-server';
export * from './errors';
export * from './gateway';
export * from './jwt-auth';
export * from './oci-gateway';
export * from './oci-stack';
export * from './references';
export * from './server';
export * from './stack';
export * from './traffic-control';
export * from './sts';
export * from './sts-server';
export * from './sts-stack';
export * from './trust-policy';
export * from './loopback';
