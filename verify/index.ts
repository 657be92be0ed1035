/**
 * `npm run verify`: checks a deployed environment (or the local stack) end to end against what
 * its config implies: client-credentials tokens, protected APIs per stage, STS AssumeRoleWithOIDC.
 */
export * from './cli';
export * from './local';
export * from './outputs';
export * from './plan';
export * from './report';
export * from './run';
export * from './sts-client';
export * from './targets';
export * from './token-client';
