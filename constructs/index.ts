export * from './apigateway';
export * from './m2m';
export * from './ram';
export * from './security';
