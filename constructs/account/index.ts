export * from './expected-account';
