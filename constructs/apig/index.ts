export * from './gateway';
export * from './jwt-auth-options';
export * from './jwt-authentication';
export * from './policy-config';
export * from './auth-rule-match';
