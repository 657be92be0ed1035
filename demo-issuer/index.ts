/**
 * Demo OIDC issuer: a real oidc-provider over HTTPS on loopback with generated certificates.
 */
export * from './demo-issuer';
export * from './example';
export * from './fixtures';
export * from './pki';
export * from './scopes';
export * from './signing-keys';
