export * from './authorization-server';
export * from './client';
export * from './issuer-lookup';
