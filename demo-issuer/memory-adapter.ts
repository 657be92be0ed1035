/**
 * A small in-memory storage adapter for oidc-provider, one store per demo issuer.
 *
 * oidc-provider's built-in quick-start adapter is global to the process and warns on every
 * provider instance; the demo needs neither persistence nor sharing, only isolation between
 * the issuers a test or the benchmark starts.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt?: number;
}

/** Creates an adapter factory whose data lives as long as the returned factory. */
export function memoryAdapterFactory(): AdapterFactory {
  const entries = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const live = (k: string): AdapterPayload | undefined => {
      const entry = entries.get(k);
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        entries.delete(k);
        return undefined;
      }
      return entry.payload;
    };
    const findBy = (field: 'userCode' | 'uid', value: string) => {
      for (const [k, entry] of entries) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value) return live(k);
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        entries.set(key(id), { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
        if (payload.grantId) {
          const set = grants.get(payload.grantId) ?? new Set<string>();
          set.add(key(id));
          grants.set(payload.grantId, set);
        }
      },
      async find(id) {
        return live(key(id));
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async consume(id) {
        const entry = entries.get(key(id));
        if (entry) entries.set(key(id), { ...entry, payload: { ...entry.payload, consumed: Math.floor(Date.now() / 1000) } });
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of grants.get(grantId) ?? []) entries.delete(k);
        grants.delete(grantId);
      },
    };
  };
}
