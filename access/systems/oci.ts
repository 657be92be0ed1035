/**
 * OCI API Gateway: per deployment, the token or JWT authentication (issuers, audiences, keys, anonymous
 * access) and per route the methods and the authorization (`ANY_OF` scopes, authentication only,
 * or anonymous).
 */
import { readOciDeployments } from '../../emulator';
import type { AccessChange, AccessSystem, Effect, MermaidBuilder } from '../model';
import type { SynthesizedStack } from '../synth-output';
import { compareCodeUnits } from '../../core/order';

/** One route of a deployment. */
export interface OciRouteAccess {
  /** `<path prefix><path>`. */
  readonly path: string;
  /** Methods. */
  readonly methods: readonly string[];
  /** `ANY_OF`, `AUTHENTICATION_ONLY` or `ANONYMOUS` (`AUTHENTICATION_ONLY` when not set). */
  readonly authorization: string;
  /** Scopes of which a token needs one (`ANY_OF`). */
  readonly scopes: readonly string[];
}

/** An `oci_apigateway_deployment`. */
export interface OciDeploymentAccess {
  /** Terraform address. */
  readonly address: string;
  /** `path_prefix`. */
  readonly pathPrefix: string;
  /** Authentication type, e.g. `JWT_AUTHENTICATION`; `none` without authentication. */
  readonly authentication: string;
  /** Requests without a token are let through. */
  readonly anonymousAllowed: boolean;
  /** Accepted issuers. */
  readonly issuers: readonly string[];
  /** Accepted audiences. */
  readonly audiences: readonly string[];
  /** Where keys come from, e.g. `REMOTE_JWKS https://…`. */
  readonly keys: string;
  /** Where the token is read. */
  readonly token: string;
  /** Routes. */
  readonly routes: readonly OciRouteAccess[];
}

/** The OCI part of one stack. */
export interface OciAccess {
  /** Deployments by address. */
  readonly deployments: readonly OciDeploymentAccess[];
}

function extract(stack: SynthesizedStack): OciAccess | undefined {
  const deployments = readOciDeployments(stack.json);
  if (deployments.length === 0) return undefined;
  return {
    deployments: deployments.map((d): OciDeploymentAccess => {
      const auth = d.authentication;
      const keys = auth?.keys;
      return {
        address: d.address,
        pathPrefix: d.pathPrefix,
        authentication: auth?.type ?? 'none',
        anonymousAllowed: auth?.type === undefined || auth.isAnonymousAccessAllowed,
        issuers: [...(auth?.issuers ?? [])].sort(),
        audiences: [...(auth?.audiences ?? [])].sort(),
        keys: `${keys?.type ?? 'none'} ${keys?.uri ?? keys?.discoveryUri ?? keys?.keyIds.join(', ') ?? ''}`.trim(),
        token: `${auth?.tokenHeader ?? auth?.tokenQueryParam ?? ''} ${auth?.tokenAuthScheme ?? ''}`.trim(),
        routes: d.routes.map((route): OciRouteAccess => ({
          path: `${d.pathPrefix}${route.path ?? ''}`,
          methods: [...(route.methods ?? [])].sort(),
          authorization: route.authorization?.type ?? 'AUTHENTICATION_ONLY',
          scopes: [...(route.authorization?.allowedScopes ?? [])].sort(),
        })).sort((a, b) => compareCodeUnits(a.path, b.path)),
      };
    }),
  };
}

const routeKey = (r: OciRouteAccess) => `${r.path} ${r.methods.join(',')}`;
const describeRoute = (r: OciRouteAccess) => (r.authorization === 'ANY_OF' ? `a token with one of ${r.scopes.join(' | ')}` : r.authorization === 'ANONYMOUS' ? 'anyone' : 'any valid token');

function markdown(model: OciAccess): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const lines = ['| deployment | route | who gets through | issuers / audiences | token / keys |', '|---|---|---|---|---|'];
  for (const d of model.deployments) {
    for (const r of d.routes) {
      lines.push(`| ${cell(d.address)} | ${cell(`${r.methods.join(', ')} ${r.path}`)} | ${cell(d.anonymousAllowed ? `anyone (anonymous access allowed); ${describeRoute(r)}` : describeRoute(r))} | ${cell(`${d.issuers.join(', ')} / ${d.audiences.join(', ')}`)} | ${cell(`${d.token}; ${d.keys}`)} |`);
    }
  }
  return lines.join('\n');
}

function mermaid(model: OciAccess, d: MermaidBuilder, stack: string): void {
  for (const dep of model.deployments) {
    d.line(`subgraph ${d.id(`${stack}|oci|${dep.address}`)}["${d.label(`OCI deployment ${dep.pathPrefix}`)}"]`);
    for (const r of dep.routes) d.line(`  ${d.id(`${stack}|oci|${dep.address}|${routeKey(r)}`)}["${d.label(`${r.methods.join(', ')} ${r.path}`)}"]`);
    d.line('end');
    for (const issuer of dep.issuers) {
      const source = d.shared(`issuer|${issuer}`, `(["${d.label(`issuer ${issuer}`)}"])`);
      for (const r of dep.routes) d.edge(`${source} -->|"${d.label(describeRoute(r))}"| ${d.id(`${stack}|oci|${dep.address}|${routeKey(r)}`)}`);
    }
  }
}

function diff(stack: string, base: OciAccess | undefined, head: OciAccess | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const before = new Map((base?.deployments ?? []).map((d) => [d.address, d]));
  for (const d of head?.deployments ?? []) {
    const subject = `OCI deployment ${d.pathPrefix} (${d.address})`;
    const add = (effect: Effect, category: AccessChange['category'], summary: string, details: Record<string, unknown> = {}) =>
      out.push({ effect, category, stack, subject, summary, details: { address: d.address, ...details } });
    const b = before.get(d.address);
    if (!b) {
      for (const r of d.routes) add('widens', 'access', `new route ${r.methods.join(', ')} ${r.path}: ${describeRoute(r)}`, { path: r.path });
      continue;
    }
    if (!b.anonymousAllowed && d.anonymousAllowed) add('widens', 'plugin', 'anonymous access is now allowed');
    if (b.anonymousAllowed && !d.anonymousAllowed) add('narrows', 'plugin', 'anonymous access is no longer allowed');
    for (const [field, label] of [['issuers', 'issuer'], ['audiences', 'audience']] as const) {
      for (const x of d[field].filter((v) => !b[field].includes(v))) add('widens', 'trust', `${label} ${x} now accepted`);
      for (const x of b[field].filter((v) => !d[field].includes(v))) add('narrows', 'trust', `${label} ${x} no longer accepted`);
    }
    if (b.keys !== d.keys) add('neutral', 'key', `keys ${b.keys} → ${d.keys}`);
    if (b.token !== d.token) add('neutral', 'plugin', `token ${b.token} → ${d.token}`);
    const routes = new Map(b.routes.map((r) => [routeKey(r), r]));
    for (const r of d.routes) {
      const old = routes.get(routeKey(r));
      if (!old) {
        add('widens', 'access', `new route ${r.methods.join(', ')} ${r.path}: ${describeRoute(r)}`, { path: r.path });
        continue;
      }
      if (old.authorization !== r.authorization) {
        const rank = (a: string) => (a === 'ANONYMOUS' ? 2 : a === 'AUTHENTICATION_ONLY' ? 1 : 0);
        add(rank(r.authorization) > rank(old.authorization) ? 'widens' : 'narrows', 'access', `${r.path}: ${describeRoute(old)} → ${describeRoute(r)}`, { path: r.path });
      } else if (r.authorization === 'ANY_OF') {
        for (const s of r.scopes.filter((x) => !old.scopes.includes(x))) add('widens', 'access', `${r.path}: scope ${s} now suffices`, { path: r.path, scope: s });
        for (const s of old.scopes.filter((x) => !r.scopes.includes(x))) add('narrows', 'access', `${r.path}: scope ${s} no longer suffices`, { path: r.path, scope: s });
      }
    }
    for (const r of b.routes) if (!d.routes.some((x) => routeKey(x) === routeKey(r))) add('narrows', 'access', `route ${r.methods.join(', ')} ${r.path} removed`, { path: r.path });
  }
  for (const [address, b] of before) {
    if (!(head?.deployments ?? []).some((d) => d.address === address)) out.push({ effect: 'narrows', category: 'access', stack, subject: `OCI deployment ${b.pathPrefix} (${address})`, summary: 'deployment removed' });
  }
  return out;
}

/** The OCI API Gateway system. */
export const OCI_API_GATEWAY: AccessSystem<OciAccess> = { id: 'oci', title: 'OCI API Gateway', extract, markdown, mermaid, diff };
