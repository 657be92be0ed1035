import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'jose';
import { describe, expect, test } from 'vitest';
import { parseStack, reviewChanges, renderReviewMarkdown } from '../../access';
import type { AccessChange, Review, SynthesizedApp } from '../../access';
import { OidcProvider, OidcRole, Suppressions } from '../../constructs';
import type { LockFile } from '../../core/issuer-facts';
import { SEED_CLIENT_ID, TEST_FACTS, TEST_ISSUER, testLock, testServer } from '../util';
import { OTHER_CLIENT_ID, fixtureEnv, synthEnvironments, synthStack } from './support';

const BASE = fixtureEnv();
const api = BASE.gateway.apis[0];

function review(base = synthEnvironments([BASE]), head = synthEnvironments([BASE]), locks: { base?: LockFile; head?: LockFile } = {}): Review {
  return reviewChanges({ base, head, baseLock: locks.base, headLock: locks.head });
}

const widening = (r: Review): AccessChange[] => r.changes.filter((c) => c.effect === 'widens');

/** A copy of `app` with the gateway stack's JSON edited (as a hand-edited or older synth would be). */
function edit(app: SynthesizedApp, change: (json: { resource: Record<string, unknown> }) => void): SynthesizedApp {
  return {
    ...app,
    stacks: app.stacks.map((s) => {
      if (s.name !== 'gateway-fx') return s;
      const json = structuredClone(s.json) as { resource: Record<string, unknown> };
      change(json);
      return parseStack(s.name, json, s.annotations);
    }),
  };
}

describe('reviewChanges', () => {
  test('reports nothing when base and head are the same', () => {
    expect(review().changes).toEqual([]);
  });

  test('adding a client to an API widens and names the client, the API and the stage', () => {
    // GIVEN
    const head = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...api, allowedClients: ['reporting', 'other'] }] } });
    // WHEN
    const result = review(undefined, synthEnvironments([head]));
    // THEN
    expect(widening(result)).toEqual([expect.objectContaining({
      category: 'access',
      stack: 'gateway-fx',
      subject: expect.stringContaining('API list_orders (GET /orders'),
      summary: expect.stringContaining(`client ${OTHER_CLIENT_ID}`),
      details: expect.objectContaining({ client: OTHER_CLIENT_ID, api: 'list_orders', stage: 'TEST' }),
    })]);
    expect(widening(result)[0].subject).toMatch(/on TEST$/);
  });

  test('removing a scope requirement widens', () => {
    // GIVEN
    const head = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...api, requiredScopes: ['orders:read'] }] } });
    // WHEN
    const result = review(undefined, synthEnvironments([head]));
    // THEN
    expect(widening(result)).toEqual([expect.objectContaining({
      category: 'access',
      summary: expect.stringMatching(new RegExp(`client ${SEED_CLIENT_ID} no longer needs scope orders:write`)),
      details: expect.objectContaining({ scopesRemoved: ['orders:write'], stage: 'TEST' }),
    })]);
  });

  test('adding a scope requirement narrows', () => {
    // GIVEN base needs one scope, head two
    const base = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...api, requiredScopes: ['orders:read'] }] } });
    // WHEN
    const result = review(synthEnvironments([base]), synthEnvironments([BASE]));
    // THEN
    expect(result.counts).toMatchObject({ widens: 0, narrows: 1 });
  });

  test('adding a stage widens and says who can call the API there', () => {
    // GIVEN
    const head = fixtureEnv({ stages: ['TEST', 'RELEASE'] });
    // WHEN
    const result = review(undefined, synthEnvironments([head]));
    // THEN
    const stage = widening(result).find((c) => c.category === 'stage');
    expect(stage).toMatchObject({ subject: expect.stringMatching(/list_orders.*on RELEASE$/), summary: expect.stringMatching(/published to a new stage RELEASE/) });
    expect(widening(result)).toContainEqual(expect.objectContaining({ category: 'access', details: expect.objectContaining({ client: SEED_CLIENT_ID, stage: 'RELEASE' }) }));
  });

  test('a role subject changed to a pattern widens, and the opt-out suppression is listed with its reason', () => {
    // GIVEN the same role trusting one exact subject, then a StringLike pattern
    const build = (patterns: boolean) => synthStack((stack) => {
      const provider = OidcProvider.forM2mServer(stack, 'Provider', testServer(stack), { oidcProviderName: 'fx-provider' });
      new OidcRole(stack, 'Role', {
        provider,
        roleName: 'fx-role',
        ...(patterns
          ? { subjectPatterns: { patterns: ['app_reporting_*'], reason: 'Reporting shards get new client ids daily (#77)' } }
          : { allowedSubjects: [SEED_CLIENT_ID] }),
      });
    });
    // WHEN
    const result = review(build(false), build(true));
    // THEN
    expect(widening(result)).toContainEqual(expect.objectContaining({
      category: 'trust',
      subject: 'RAM role fx-role',
      summary: expect.stringMatching(/oidc:sub: StringEquals app_m7hfgn66xkyyxlhpkiw5kjenhy → StringLike app_reporting_\*.*pattern/),
    }));
    expect(result.changes).toContainEqual(expect.objectContaining({
      category: 'suppression',
      effect: 'widens',
      summary: expect.stringMatching(/RAM-OIDC4.*Reporting shards get new client ids daily \(#77\)/),
    }));
  });

  test('a suppression that covers no finding is listed with its reason, as unused', () => {
    // GIVEN a role with exact subjects, then the same role with a suppression of RAM-OIDC4
    const build = (suppress: boolean) => synthStack((stack) => {
      const provider = OidcProvider.forM2mServer(stack, 'Provider', testServer(stack), { oidcProviderName: 'fx-provider' });
      const role = new OidcRole(stack, 'Role', { provider, roleName: 'fx-role', allowedSubjects: [SEED_CLIENT_ID] });
      if (suppress) Suppressions.add(role, [{ id: 'RAM-OIDC4', reason: 'Shards are planned for Q3 (#91)' }]);
    });
    // WHEN
    const result = review(build(false), build(true));
    // THEN
    expect(result.changes).toEqual([expect.objectContaining({
      effect: 'widens', category: 'suppression', subject: 'fixture/Role',
      summary: 'suppression of RAM-OIDC4 added, reason: Shards are planned for Q3 (#91) (unused: it covers no finding today)',
    })]);
  });

  test('a signing key rotation is listed, in the lock and as the key the gateway trusts', async () => {
    // GIVEN the issuer's key replaced by a new one
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    const rotatedLock = testLock([{ ...TEST_FACTS, keys: [{ kid: 'rotated-2026', kty: 'RSA', alg: 'RS256', use: 'sig', thumbprint, jwk: { e: jwk.e as string, kty: 'RSA', n: jwk.n as string } }] }]);
    // WHEN
    const result = review(synthEnvironments([BASE]), synthEnvironments([BASE], rotatedLock), { base: testLock(), head: rotatedLock });
    // THEN
    expect(result.changes).toContainEqual(expect.objectContaining({
      category: 'key', stack: 'lookups.lock.json', subject: `issuer ${TEST_ISSUER}`,
      summary: expect.stringMatching(new RegExp(`signing key rotated: -${TEST_FACTS.keys[0].kid}.*\\+rotated-2026 \\(${thumbprint}\\)`)),
    }));
    expect(result.changes).toContainEqual(expect.objectContaining({
      category: 'key', stack: 'gateway-fx',
      summary: expect.stringMatching(/trusted signing key rotated: AUTHSKEY.* → rotated-2026/),
      details: expect.objectContaining({ after: [thumbprint] }),
    }));
  });

  test('a ForceNew change is flagged with the resource it replaces and what is unavailable meanwhile', () => {
    // GIVEN the OIDC provider renamed (oidc_provider_name is ForceNew)
    const head = fixtureEnv({ federation: { ...BASE.federation, providerName: 'orders-fx-2' } });
    // WHEN
    const result = review(undefined, synthEnvironments([head]));
    // THEN
    const replacement = result.changes.find((c) => c.category === 'replacement');
    expect(replacement).toMatchObject({
      stack: 'federation-fx',
      subject: expect.stringMatching(/^alicloud_ims_oidc_provider\.\S+ \(federation-fx\/OidcProvider\/Resource\)$/),
      summary: expect.stringMatching(/oidc_provider_name "orders-fx" → "orders-fx-2" \(ForceNew\).*AssumeRoleWithOIDC/),
    });
  });

  /** The app with the stage's jwtAuth binding of list_orders moved from TEST to PRE (stage_name is ForceNew). */
  function withJwtBindingMoved(app: SynthesizedApp): SynthesizedApp {
    return edit(app, (json) => {
      const attachments = json.resource.alicloud_api_gateway_plugin_attachment as Record<string, Record<string, unknown>>;
      const jwt = Object.values(attachments).find((a) => String(a.plugin_id).includes('Jwt')) as Record<string, unknown>;
      jwt.stage_name = 'PRE';
    });
  }

  /** The app without group-level plugin bindings (no deny-first baseline). */
  function withoutGroupBindings(app: SynthesizedApp): SynthesizedApp {
    return edit(app, (json) => { delete json.resource.alicloud_api_gateway_group_plugin_attachment; });
  }

  test('replacing an API-level jwtAuth binding is neutral while the group-level baseline covers the gap', () => {
    // GIVEN the fixture gateway (with its group-level deny-first baseline)
    const base = synthEnvironments([BASE]);
    // WHEN
    const result = review(base, withJwtBindingMoved(base));
    // THEN
    expect(result.changes).toContainEqual(expect.objectContaining({
      effect: 'neutral', category: 'replacement',
      summary: expect.stringMatching(/stage_name "TEST" → "PRE" \(ForceNew\).*the group-level jwtAuth plugin applies to API list_orders on TEST/),
    }));
  });

  test('replacing a jwtAuth binding without a group-level one widens: the API runs without token verification meanwhile', () => {
    // GIVEN a gateway without group-level bindings
    const base = withoutGroupBindings(synthEnvironments([BASE]));
    // WHEN
    const result = review(base, withJwtBindingMoved(base));
    // THEN
    expect(result.changes).toContainEqual(expect.objectContaining({
      effect: 'widens', category: 'replacement',
      summary: expect.stringMatching(/stage_name "TEST" → "PRE" \(ForceNew\).*API list_orders on TEST runs without its jwtAuth plugin \(tokens are not verified\)/),
    }));
  });

  test('renaming a description is neutral', () => {
    // GIVEN
    const head = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...api, description: 'Lists all orders.' }] } });
    // WHEN
    const result = review(undefined, synthEnvironments([head]));
    // THEN
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.changes.every((c) => c.effect === 'neutral')).toBe(true);
    expect(result.changes).toContainEqual(expect.objectContaining({ summary: 'description: "Lists orders." → "Lists all orders."' }));
  });

  test('renders Markdown with the counts and one row per change', () => {
    const head = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...api, allowedClients: ['reporting', 'other'] }] } });
    const markdown = renderReviewMarkdown(review(undefined, synthEnvironments([head])));
    expect(markdown).toMatch(/\*\*1 widens\*\*, 0 narrows, 0 neutral/);
    expect(markdown).toMatch(new RegExp(`\\| \\*\\*widens\\*\\* \\| access \\| gateway-fx \\| .*${OTHER_CLIENT_ID}`));
  });
});
