import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import type { IssuerFacts, KeyFact } from '../../core/issuer-facts';
import { invalidProp } from '../private/errors';
import { validateHttpsUrl, validateScopeName } from '../private/validators';
import { IssuerLookup } from './issuer-lookup';
import { M2mClient } from './client';
import type { M2mClientOptions } from './client';

/**
 * An M2M authorization server as the other constructs use it: reference servers through this
 * interface in props (`server: IM2mAuthorizationServer`), never by a concrete class.
 */
export interface IM2mAuthorizationServer extends IConstruct {
  /** Issuer URL (`iss`). */
  readonly issuer: string;
  /** Audience identifier (`aud`). */
  readonly audience: string;
  /** Scope catalog. */
  readonly scopes: readonly string[];
  /** Facts recorded by the synth-time lookup for this issuer. */
  readonly facts: IssuerFacts;
  /** Token endpoint from discovery, when the issuer publishes one. */
  readonly tokenEndpoint: string | undefined;
  /** Public signing keys from the issuer's JWKS. */
  readonly signingKeys: readonly KeyFact[];
  /** TLS fingerprints recorded for the issuer. */
  readonly fingerprints: readonly string[];
  /** Whether `scope` is in the catalog. */
  hasScope(scope: string): boolean;
  /** Fails construction of `where` when one of `scopes` is not in the catalog. */
  assertScopes(where: IConstruct, prop: string, scopes: readonly string[]): void;
  /** The `scope` parameter of a token request for `scopes` (all granted scopes when omitted). */
  requestScope(scopes?: readonly string[]): string;
}

/** Properties for {@link M2mAuthorizationServer}. */
export interface M2mAuthorizationServerProps {
  /**
   * Issuer URL of the IDaaS EIAM M2M server (the `iss` claim of its tokens), https only,
   * without query or fragment. Its discovery document, JWKS and TLS fingerprints must be
   * recorded in `lookups.lock.json` (`npm run lookups`).
   */
  readonly issuer: string;
  /**
   * Audience identifier of the M2M server (the `aud` claim of its tokens), e.g.
   * `https://xxxx.aliyunidaas.com`. Also the client id a RAM OIDC provider registers.
   */
  readonly audience: string;
  /** The permission scopes the server defines, e.g. `['user:read:one']`. Must not be empty. */
  readonly scopes: readonly string[];
}

/**
 * A reference to an IDaaS EIAM M2M authorization server (OAuth 2.0 client-credentials issuer).
 *
 * The alicloud provider has no IDaaS resources, so nothing is created: this construct carries the
 * issuer, audience, scope catalog and clients, plus the facts recorded at synth time (token
 * endpoint, public signing keys, TLS fingerprints), to drive gateway plugins and RAM trust.
 *
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 * @example
 * const server = new M2mAuthorizationServer(stack, 'Idaas', {
 *   issuer: 'https://xxxx.aliyunidaas.com/api/v2/iauths_system/oauth2',
 *   audience: 'https://xxxx.aliyunidaas.com',
 *   scopes: ['user:read:one'],
 * });
 * const reporting = server.addClient('Reporting', { clientId: 'app_m7hf...', grantedScopes: ['user:read:one'] });
 */
export class M2mAuthorizationServer extends Construct implements IM2mAuthorizationServer {
  /** Issuer URL (`iss`). */
  public readonly issuer: string;
  /** Audience identifier (`aud`). */
  public readonly audience: string;
  /** Scope catalog. */
  public readonly scopes: readonly string[];
  /** Facts recorded by the synth-time lookup for this issuer. */
  public readonly facts: IssuerFacts;
  private readonly clientsById = new Map<string, M2mClient>();

  public constructor(scope: Construct, id: string, props: M2mAuthorizationServerProps) {
    super(scope, id);
    validateHttpsUrl(this, 'issuer', props.issuer);
    if (typeof props.audience !== 'string' || props.audience.trim() === '') {
      throw invalidProp(this, 'audience', 'must be the non-empty audience identifier of the M2M server', props.audience,
        'Copy it from IDaaS console > M2M server > Permission Application > Audience Identifier.');
    }
    if (!props.scopes || props.scopes.length === 0) {
      throw invalidProp(this, 'scopes', 'must not be empty', props.scopes ?? [], 'List the permission scopes the M2M server defines, e.g. ["user:read:one"].');
    }
    const seen = new Set<string>();
    props.scopes.forEach((s, i) => {
      validateScopeName(this, `scopes[${i}]`, s);
      if (seen.has(s)) throw invalidProp(this, `scopes[${i}]`, 'is listed twice', s, 'Remove the duplicate.');
      seen.add(s);
    });
    this.issuer = props.issuer;
    this.audience = props.audience;
    this.scopes = [...props.scopes];
    this.facts = IssuerLookup.facts(this, props.issuer);
  }

  /** Token endpoint from the issuer's discovery document (client-credentials grant). */
  public get tokenEndpoint(): string | undefined {
    return this.facts.tokenEndpoint;
  }

  /** Public signing keys from the issuer's JWKS, as recorded at synth time. */
  public get signingKeys(): readonly KeyFact[] {
    return this.facts.keys;
  }

  /** TLS fingerprints (SHA-1, 40 lowercase hex) recorded for the issuer, old and new during rotation. */
  public get fingerprints(): readonly string[] {
    return this.facts.fingerprints;
  }

  /** Clients registered on this server reference. */
  public get clients(): readonly M2mClient[] {
    return [...this.clientsById.values()];
  }

  /** Defines a client of this server, granted a subset of its scopes. */
  public addClient(id: string, options: M2mClientOptions): M2mClient {
    const client = new M2mClient(this, id, { ...options, server: this });
    const existing = this.clientsById.get(client.clientId);
    if (existing) {
      throw invalidProp(client, 'clientId', `is already used by ${existing.node.path}`, client.clientId, 'Each M2M client has its own application id.');
    }
    this.clientsById.set(client.clientId, client);
    return client;
  }

  /** Whether `scope` is in the catalog. */
  public hasScope(scope: string): boolean {
    return this.scopes.includes(scope);
  }

  /**
   * Throws a clear error naming `prop` when a scope is not in the catalog.
   * @param where the construct whose prop is being validated
   */
  public assertScopes(where: IConstruct, prop: string, scopes: readonly string[]): void {
    scopes.forEach((s, i) => {
      if (!this.hasScope(s)) {
        throw invalidProp(where, `${prop}[${i}]`, `is not a scope of the M2M server ${this.issuer}`, s, `Use one of: ${this.scopes.join(', ')}, or add it to the server's scopes.`);
      }
    });
  }

  /**
   * The `scope` request parameter for a token request: space-separated `<audience>|<scope>`.
   * @param scopes the scopes to ask for; omitted → `<audience>|.all` (every granted scope)
   */
  public requestScope(scopes?: readonly string[]): string {
    if (scopes === undefined) return `${this.audience}|.all`;
    this.assertScopes(this, 'requestScope', scopes);
    return scopes.map((s) => `${this.audience}|${s}`).join(' ');
  }
}
