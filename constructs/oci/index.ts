export * from './api-gateway';
export * from './jwt-api-deployment';
export * from './identity-domain-resource-server';
export * from './identity-domain-confidential-app';
