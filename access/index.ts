/**
 * Access review over synthesized stacks: the access map (who can call or assume what) and the
 * security diff between two versions of an app.
 */
export * from './model';
export * from './synth-output';
export * from './access-map';
export { ACCESS_SYSTEMS } from './systems';
export type * from './systems';
export * from './review/review';
export type { Replacement } from './review/replacements';
