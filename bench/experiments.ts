/**
 * In-process prototypes of proposed optimizations, for `bench/profile.ts --experiment <names>`:
 * they patch the loaded modules at run time so the gain can be measured before anyone changes
 * the project code. Never used by `npm run bench` or the app.
 *
 * - `auth1-index`: APIGW-AUTH1 looks only at the plugin attachments that reference the API
 *   (an index built once per stack pass) instead of scanning every attachment per API.
 *   Same outcome: the original check runs on a context pre-filtered to those attachments.
 * - `plugin-id-cache`: `GatewayPlugin.pluginId` returns one token per plugin instead of creating a
 *   new token (and a full stack trace) on every call (once per binding).
 * - `no-source-maps`: turns off source-mapped stack traces (tsx turns them on), which cdktf
 *   captures for every token it creates.
 */
import type { ResourceView, RuleContext, SecurityRule } from '../constructs';

/** Names accepted by {@link applyExperiments}. */
export const EXPERIMENTS = ['auth1-index', 'plugin-id-cache', 'no-source-maps'] as const;

const API_ATTACHMENT = 'alicloud_api_gateway_plugin_attachment';

/** Applies the named experiments to the modules loaded in this process. */
export function applyExperiments(names: readonly string[]): void {
  const { ALL_RULES, GatewayPlugin } = require('../constructs') as typeof import('../constructs');
  for (const name of names) {
    if (name === 'auth1-index') {
      const rule = ALL_RULES.find((r) => r.id === 'APIGW-AUTH1') as { check: SecurityRule['check'] } | undefined;
      if (!rule) throw new Error('APIGW-AUTH1 not found');
      const original = rule.check;
      const indexes = new WeakMap<RuleContext, Map<string, ResourceView[]>>();
      rule.check = (res, context) => {
        if (res.type !== 'alicloud_api_gateway_api') return original(res, context);
        let byApi = indexes.get(context);
        if (!byApi) {
          byApi = new Map();
          for (const att of context.resourcesOfType(API_ATTACHMENT)) {
            const api = context.referencedResource(att.config.api_id);
            if (!api) continue;
            const list = byApi.get(api.address) ?? [];
            list.push(att);
            byApi.set(api.address, list);
          }
          indexes.set(context, byApi);
        }
        const own = byApi.get(res.address) ?? [];
        const filtered: RuleContext = {
          stack: context.stack,
          production: context.production,
          resourcesOfType: (type) => (type === API_ATTACHMENT ? own : context.resourcesOfType(type)),
          referencedResource: (reference) => context.referencedResource(reference),
        };
        return original(res, filtered);
      };
    } else if (name === 'plugin-id-cache') {
      const cache = new WeakMap<object, string>();
      const descriptor = Object.getOwnPropertyDescriptor(GatewayPlugin.prototype, 'pluginId');
      const get = descriptor?.get;
      if (!get) throw new Error('GatewayPlugin.prototype.pluginId is not a getter');
      Object.defineProperty(GatewayPlugin.prototype, 'pluginId', {
        configurable: true,
        get(this: object): string {
          let id = cache.get(this);
          if (id === undefined) {
            id = get.call(this) as string;
            cache.set(this, id);
          }
          return id;
        },
      });
    } else if (name === 'no-source-maps') {
      process.setSourceMapsEnabled(false);
    } else {
      throw new Error(`unknown experiment '${name}'; known: ${EXPERIMENTS.join(', ')}`);
    }
  }
}
