export * from './oidc-provider';
export * from './oidc-role';
export * from './policy-document';
export * from './custom-policy';
