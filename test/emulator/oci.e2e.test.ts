/**
 * The OCI emulator end to end: a real demo issuer over HTTPS (fresh PKI, RS256 key) playing an
 * identity domain with the seed 002 claims, a lock recorded from it by `prepareLookups`, both
 * seed use cases built with the OCI constructs and synthesized, the emulator serving the
 * synthesized deployments over HTTP, and real tokens from the issuer's token endpoint.
 *
 * Token claims follow the seed's excerpts: use case 1 `aud: anwendung1`, `scope: AnwendungReadA`,
 * `tok_type: AT`, `sub_type: client`, `client_name: ResourceServerUse`; use case 2 the custom claim
 * `APIGWMichael4: Api1Access` with `onBehalfOfUser`, `user_displayname`. The issuer (`iss`) is the
 * demo issuer's own URL: the lookup checks it against the discovery document.
 */
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  IssuerLookup, M2mAuthorizationServer, OciApiGateway, OciAuthenticationType, OciHttpMethod, OciIdentityDomainConfidentialApp, OciJwtApiDeployment, SecurityChecks,
} from '../../constructs';
import { OciProvider } from '../../.gen/providers/oci/provider';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, generateSigningKey } from '../../demo-issuer/signing-keys';
import { writeFileSync } from 'node:fs';
import { runEmulatorCli } from '../../commands/emulator-cli';
import { type EmulatorServer, OciGatewayEmulator, keySetsFromLock, startEmulatorServer } from '../../emulator';
import type { LockFile } from '../../core/issuer-facts';
import { validateStack } from '../../validation';
import { recordDemoIssuerLock } from '../support/demo-lock';
import { tempDir, writeCaBundle } from '../support/pki';
import { claimsOf } from './support';

const AUDIENCE = 'anwendung1';
const READ = 'AnwendungReadA';
const WRITE = 'AnwendungWriteA';
const COMPARTMENT_ID = 'ocid1.compartment.oc1..aaaaaaaaexamplecompartment';
const GATEWAY_ID = 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaaexamplegateway';
/** Claims of the seed's use case 1 token excerpt besides iss / aud / scope. */
const TECHNICAL_CLAIMS = { tok_type: 'AT', sub_type: 'client', client_name: 'ResourceServerUse' };
/** Claims of the seed's use case 2 token excerpt besides iss / aud, with the custom claim's value. */
const userClaims = (value?: string) => ({ onBehalfOfUser: true, user_displayname: 'Michael Fischer7', tok_type: 'AT', ...(value === undefined ? {} : { APIGWMichael4: value }) });

const CLIENTS = [
  { clientId: 'technical-read', grantedScopes: [READ], extraClaims: TECHNICAL_CLAIMS },
  { clientId: 'technical-write', grantedScopes: [WRITE], extraClaims: TECHNICAL_CLAIMS },
  { clientId: 'user-api1access', grantedScopes: [READ], extraClaims: userClaims('Api1Access') },
  { clientId: 'user-other-value', grantedScopes: [READ], extraClaims: userClaims('Api2Access') },
  { clientId: 'user-suffix', grantedScopes: [READ], extraClaims: userClaims('Api1AccessAdmin') },
  { clientId: 'user-no-claim', grantedScopes: [READ], extraClaims: userClaims() },
];

const tmp = tempDir('oci-emulator-');
let demo: DemoIssuer;
let emulator: OciGatewayEmulator;
let server: EmulatorServer;
let synth: Record<string, any>;
let lock: LockFile;

beforeAll(async () => {
  demo = await startDemoIssuer({
    pki: generateDemoPki({ label: 'oci-emulator' }),
    signingKeys: [generateSigningKey({ kid: 'oci-rs256', alg: DemoSigningAlgorithm.RS256 })],
    audience: `https://${AUDIENCE}.example.test`,
    accessTokenAudience: AUDIENCE,
    scopes: [READ, WRITE],
    clients: CLIENTS.map((c) => ({ ...c, clientSecret: `${c.clientId}-secret` })),
  });
  lock = await recordDemoIssuerLock(tmp, demo);
  const app = Testing.app();
  IssuerLookup.attach(app, lock);
  const stack = new TerraformStack(app, 'oci');
  new OciProvider(stack, 'oci', { region: 'eu-frankfurt-1' });
  Aspects.of(stack).add(new SecurityChecks());
  const identityDomain = new M2mAuthorizationServer(stack, 'IdentityDomain', { issuer: demo.issuer, audience: AUDIENCE, scopes: [READ, WRITE] });
  const gateway = OciApiGateway.fromGatewayId(stack, 'Gateway', GATEWAY_ID);
  const technical = OciIdentityDomainConfidentialApp.fromClientId(stack, 'Technical', { clientId: 'technical-read', grantedScopes: [READ] });
  const writer = OciIdentityDomainConfidentialApp.fromClientId(stack, 'Writer', { clientId: 'technical-write', grantedScopes: [WRITE] });
  // Use case 1: technical users, scopes per route
  new OciJwtApiDeployment(stack, 'UseCase1', {
    gateway, compartmentId: COMPARTMENT_ID, pathPrefix: '/test', server: identityDomain, allowedClients: [technical, writer],
    routes: [
      { path: '/1', backendUrl: 'https://backend.example.com/1', anyOfScopes: [READ] },
      { path: '/1', methods: [OciHttpMethod.POST], backendUrl: 'https://backend.example.com/1', anyOfScopes: [WRITE] },
      { path: '/users/{id}', backendUrl: 'https://backend.example.com/users', anyOfScopes: [READ, WRITE] },
    ],
  });
  // Use case 2: end users, the custom claim decides
  new OciJwtApiDeployment(stack, 'UseCase2', {
    gateway, compartmentId: COMPARTMENT_ID, pathPrefix: '/test2', server: identityDomain,
    requiredClaims: [{ name: 'APIGWMichael4', anyOfValues: ['Api1Access'] }],
    routes: [{ path: '/1', backendUrl: 'https://backend.example.com/2' }],
  });
  // A deployment for another audience (as the seed's use case 2 domain URLs), no skew
  new OciJwtApiDeployment(stack, 'OtherAudience', {
    gateway, compartmentId: COMPARTMENT_ID, pathPrefix: '/test3', server: identityDomain, audiences: ['https://idcs-9f7xxx.identity.oraclecloud.com'],
    maxClockSkewSeconds: 0, routes: [{ path: '/1', backendUrl: 'https://backend.example.com/3', anyOfScopes: [READ] }],
  });
  // JWT_AUTHENTICATION, kept for existing deployments
  new OciJwtApiDeployment(stack, 'Legacy', {
    gateway, compartmentId: COMPARTMENT_ID, pathPrefix: '/legacy', server: identityDomain, authenticationType: OciAuthenticationType.JWT_AUTHENTICATION,
    routes: [{ path: '/1', backendUrl: 'https://backend.example.com/legacy', anyOfScopes: [READ] }],
  });
  synth = JSON.parse(Testing.synth(stack, true)) as Record<string, any>;
  emulator = OciGatewayEmulator.fromStack(synth, { caPem: demo.caPem });
  server = await startEmulatorServer(emulator);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
  await demo?.close();
  tmp.cleanup();
});

async function token(clientId: string, scope: string | null = null): Promise<string> {
  const { status, body, accessToken } = await demo.requestToken({ clientId, scope });
  if (!accessToken) throw new Error(`token request failed (${status}): ${JSON.stringify(body)}`);
  return accessToken;
}

async function call(method: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { method, headers });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, decision: res.headers.get('x-emulator-decision'), reason: String(body.reason) };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('OCI emulator, use case 1 (technical user, scopes per route)', () => {
  test('the synthesized stack is schema-valid and the tokens carry the seed excerpt\'s claims', async () => {
    // GIVEN / WHEN
    const accessToken = await token('technical-read', READ);
    // THEN
    expect(validateStack('oci', synth)).toEqual([]);
    expect(claimsOf(accessToken)).toMatchObject({ iss: demo.issuer, aud: AUDIENCE, scope: READ, tok_type: 'AT', sub_type: 'client', client_name: 'ResourceServerUse', client_id: 'technical-read' });
  });

  test('the right scope on the route → 200 ALLOW', async () => {
    const res = await call('GET', '/test/1', bearer(await token('technical-read', READ)));
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(res.reason).toMatch(/scope AnwendungReadA/);
  });

  test('another scope on the route → 403 DENY naming the scopes', async () => {
    const res = await call('GET', '/test/1', bearer(await token('technical-write', WRITE)));
    expect(res).toMatchObject({ status: 403, decision: 'DENY' });
    expect(res.reason).toMatch(/authorization: the token's scopes \["AnwendungWriteA"\] hold none of \["AnwendungReadA"\]/);
  });

  test('the write route admits the write scope, and a path-parameter route either scope (ANY_OF)', async () => {
    expect(await call('POST', '/test/1', bearer(await token('technical-write', WRITE)))).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await call('GET', '/test/users/42', bearer(await token('technical-write', WRITE)))).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await call('GET', '/test/users/42', bearer(await token('technical-read', READ)))).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  test('no token → 401 DENY', async () => {
    const res = await call('GET', '/test/1');
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/no token in header authorization \(Bearer scheme\)/);
  });

  test('a token under another scheme, or a tampered token → 401', async () => {
    const accessToken = await token('technical-read', READ);
    expect(await call('GET', '/test/1', { authorization: `Basic ${accessToken}` })).toMatchObject({ status: 401 });
    const [h, p, s] = accessToken.split('.');
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const res = await call('GET', '/test/1', bearer(tampered));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/signature/);
  });

  test('a client outside allowedClients → 401 (client_id verify-claim), even with the scope', async () => {
    const res = await call('GET', '/test/1', bearer(await token('user-api1access', READ)));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/claim client_id is "user-api1access", not exactly one of \["technical-read","technical-write"\]/);
  });

  test('an unknown route or method → 404', async () => {
    expect(await call('GET', '/test/2', bearer(await token('technical-read', READ)))).toMatchObject({ status: 404, decision: 'DENY' });
    expect(await call('DELETE', '/test/1', bearer(await token('technical-read', READ)))).toMatchObject({ status: 404 });
  });
});

describe('OCI emulator, use case 2 (end user, custom claim, exact match)', () => {
  test('the token carries the seed excerpt\'s custom claim', async () => {
    expect(claimsOf(await token('user-api1access'))).toMatchObject({ APIGWMichael4: 'Api1Access', onBehalfOfUser: true, user_displayname: 'Michael Fischer7', tok_type: 'AT', aud: AUDIENCE });
  });

  test('APIGWMichael4 = Api1Access → 200 ALLOW', async () => {
    expect(await call('GET', '/test2/1', bearer(await token('user-api1access')))).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  // Oracle documents a verify-claims mismatch as a failed token authentication (401, or the
  // validation failure policy's status), not as an authorization failure (403).
  test('another value → DENY with the validation failure status (401), naming the claim', async () => {
    const res = await call('GET', '/test2/1', bearer(await token('user-other-value')));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/claim APIGWMichael4 is "Api2Access", not exactly one of \["Api1Access"\]/);
  });

  test('the value with an extra suffix → DENY: the whole value must match', async () => {
    const res = await call('GET', '/test2/1', bearer(await token('user-suffix')));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/"Api1AccessAdmin", not exactly one of \["Api1Access"\]/);
  });

  test('no claim → DENY, it is required', async () => {
    const res = await call('GET', '/test2/1', bearer(await token('user-no-claim')));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/no APIGWMichael4 claim/);
  });

  test('no token → 401', async () => {
    expect(await call('GET', '/test2/1')).toMatchObject({ status: 401, decision: 'DENY' });
  });
});

describe('OCI emulator, JWT_AUTHENTICATION deployment', () => {
  test('right scope → 200, other scope → 403, no token → 401', async () => {
    expect(await call('GET', '/legacy/1', bearer(await token('technical-read', READ)))).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await call('GET', '/legacy/1', bearer(await token('technical-write', WRITE)))).toMatchObject({ status: 403, decision: 'DENY' });
    expect(await call('GET', '/legacy/1')).toMatchObject({ status: 401, decision: 'DENY' });
  });
});

describe('OCI emulator, token checks', () => {
  test('another audience → 401 naming aud', async () => {
    const res = await call('GET', '/test3/1', bearer(await token('technical-read', READ)));
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/claim aud failed/);
  });

  test('expiry with the clock skew: 60 s tolerated on /test, none on /test3', async () => {
    // GIVEN a token, and clocks just past its expiry
    const accessToken = await token('technical-read', READ);
    const exp = claimsOf(accessToken).exp as number;
    const at = (seconds: number) => OciGatewayEmulator.fromStack(synth, { caPem: demo.caPem, now: () => new Date(seconds * 1000) });
    const late = at(exp + 30);
    const tooLate = at(exp + 61);
    try {
      // WHEN / THEN
      expect(await late.handle({ method: 'GET', path: '/test/1', headers: bearer(accessToken) })).toMatchObject({ status: 200, decision: 'ALLOW' });
      expect(await tooLate.handle({ method: 'GET', path: '/test/1', headers: bearer(accessToken) })).toMatchObject({ status: 401, reason: expect.stringMatching(/expired/) });
      const otherAudience = await late.handle({ method: 'GET', path: '/test3/1', headers: bearer(accessToken) });
      expect(otherAudience.status).toBe(401);
    } finally {
      await late.close();
      await tooLate.close();
    }
  });

  test('a JWKS that cannot be fetched (untrusted TLS) fails closed: 401', async () => {
    const untrusting = OciGatewayEmulator.fromStack(synth);
    try {
      const res = await untrusting.handle({ method: 'GET', path: '/test/1', headers: bearer(await token('technical-read', READ)) });
      expect(res).toMatchObject({ status: 401, decision: 'DENY', reason: expect.stringMatching(/the JWKS .* cannot be fetched/) });
    } finally {
      await untrusting.close();
    }
  });

  test('key sets given by JWKS URL (the lock\'s, as verify --local passes them) are used instead of fetching', async () => {
    // GIVEN an emulator that could not fetch the JWKS (no CA), given the lock's keys for the stack's JWKS URL
    expect(Object.keys(keySetsFromLock(lock))).toEqual([demo.jwksUri]);
    const fed = OciGatewayEmulator.fromStack(synth, { keySets: keySetsFromLock(lock) });
    // and one given a key set for that URL without the issuer's key
    const otherKey = generateSigningKey({ kid: 'oci-rs256', alg: DemoSigningAlgorithm.RS256 });
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...otherPublic } = otherKey as unknown as Record<string, string>;
    const wrong = OciGatewayEmulator.fromStack(synth, { keySets: { [demo.jwksUri]: { keys: [otherPublic] } } });
    try {
      // WHEN
      const accessToken = await token('technical-read', READ);
      const allowed = await fed.handle({ method: 'GET', path: '/test/1', headers: bearer(accessToken) });
      const denied = await wrong.handle({ method: 'GET', path: '/test/1', headers: bearer(accessToken) });

      // THEN
      expect(allowed).toMatchObject({ status: 200, decision: 'ALLOW' });
      expect(denied).toMatchObject({ status: 401, decision: 'DENY' });
      expect(denied.reason).not.toMatch(/cannot be fetched/);
    } finally {
      await fed.close();
      await wrong.close();
    }
  });
});

describe('emulator CLI with an OCI stack', () => {
  function captured(): { out: string[]; err: string[]; write(t: string): void; writeError(t: string): void } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, write: (t) => out.push(t), writeError: (t) => err.push(t) };
  }

  test('serves the OCI deployments with --ca-bundle and lists the routes', async () => {
    // GIVEN
    const stackFile = tmp.file('oci.cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(synth));
    const output = captured();
    // WHEN
    const result = await runEmulatorCli(['--stack', stackFile, '--port', '0', '--ca-bundle', writeCaBundle(tmp.file('cli-ca.pem'), demo.caPem)], output);
    try {
      // THEN
      expect(result.server).toBeDefined();
      expect(output.out.join('')).toMatch(/GET +\/test\/1 +\(.*UseCase1.*; ANY_OF\)/);
      const res = await fetch(`${result.server!.url}/test/1`, { headers: bearer(await token('technical-read', READ)) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-emulator-decision')).toBe('ALLOW');
    } finally {
      await result.server?.close();
    }
  });

  test('exits 1 naming the file when --ca-bundle cannot be read', async () => {
    const stackFile = tmp.file('oci.cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(synth));
    const output = captured();
    const result = await runEmulatorCli(['--stack', stackFile, '--ca-bundle', tmp.file('missing.pem')], output);
    expect(result.code).toBe(1);
    expect(output.err.join('')).toMatch(/cannot read --ca-bundle .*missing\.pem/);
  });
});
