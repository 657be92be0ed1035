import type { IConstruct } from 'constructs';
import type { IssuerFacts, LockFile } from '../../core/issuer-facts';
import { ConstructErrorCode, invalidProp } from '../private/errors';

/** Construct context key under which the synth-time lookup lock is made available. */
export const LOOKUPS_CONTEXT_KEY = 'm2m-guard:lookups';

/**
 * Gives constructs the facts recorded by the synth-time lookups (`lookups.lock.json`).
 *
 * Construction is synchronous and offline: the async prepare step fills the lock, the
 * composition root attaches it to the App with {@link IssuerLookup.attach}, and constructs read it
 * here. Nothing in this class touches the network or the disk.
 */
export class IssuerLookup {
  /** Makes a lock's facts available to every construct under `scope` (call before adding children). */
  public static attach(scope: IConstruct, lock: LockFile): void {
    scope.node.setContext(LOOKUPS_CONTEXT_KEY, lock);
  }

  /**
   * The recorded facts for `issuer`, or a clear error telling how to record them.
   * @param prop the prop the issuer came from, for the error message
   */
  public static facts(scope: IConstruct, issuer: string, prop = 'issuer'): IssuerFacts {
    const lock = scope.node.tryGetContext(LOOKUPS_CONTEXT_KEY) as LockFile | undefined;
    if (!lock) {
      throw invalidProp(scope, prop, 'needs the synth-time lookups, but no lookup lock is attached to the app', issuer,
        'Run the app through main.ts (it prepares lookups), or call IssuerLookup.attach(app, lock) before building stacks.', ConstructErrorCode.LOOKUPS_NOT_ATTACHED);
    }
    const facts = lock.issuers[issuer];
    if (!facts) {
      const known = Object.keys(lock.issuers);
      throw invalidProp(scope, prop, 'has no recorded lookup in lookups.lock.json', issuer,
        `Run \`npm run lookups -- --issuer ${issuer}\` to record it${known.length ? ` (recorded: ${known.join(', ')})` : ''}.`, ConstructErrorCode.ISSUER_NOT_RECORDED);
    }
    return facts;
  }
}
