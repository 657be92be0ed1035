export * from './m2m';
export * from './security';
