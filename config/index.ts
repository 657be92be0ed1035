export * from './apig';
export * from './environment';
export * from './environments';
export * from './oci';
export * from './validate';
export * from './client-auth';
