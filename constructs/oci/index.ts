export * from './api-gateway';
export * from './jwt-api-deployment';
export * from './identity-domain-confidential-app';
