export * from './apig';
export * from './environment';
export * from './environments';
export * from './validate';
export * from './client-auth';
