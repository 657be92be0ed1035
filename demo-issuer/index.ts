/**
 * Demo OIDC issuer: a real oidc-provider over HTTPS on loopback with generated certificates.
 */
export * from './demo-issuer';
export * from './fixtures';
export * from './pki';
export * from './signing-keys';
