export * from './account';
export * from './apig';
export * from './apigateway';
export * from './m2m';
export * from './oci';
export * from './ram';
export * from './security';
export { ConstructError, ConstructErrorCode } from './private/errors';
