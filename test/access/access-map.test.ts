// @vitest-environment jsdom
// Mermaid sanitizes labels with DOMPurify, which needs a DOM; jsdom provides one under Node.
import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { buildAccessMap, parseStack, renderAccessMapMarkdown, renderMermaid } from '../../access';
import type { ClassicGatewayAccess, RamFederationAccess } from '../../access';
import { ENVIRONMENTS } from '../../config';
import { defaultLockPath, readLockFile } from '../../lookups/lock-file';
import type { LockFile } from '../../core/issuer-facts';
import { ApigAuthorization, ApigJwtAuthentication } from '../../constructs';
import { SEED_CLIENT_ID, TEST_AUDIENCE, TEST_ISSUER, testServer } from '../util';
import { apigTestStack, testGateway } from '../constructs/apig/helpers';
import { ociTestStack, seedDeployment } from '../constructs/oci/helpers';
import { OTHER_CLIENT_ID, fixtureEnv, synthEnvironments } from './support';

async function parseMermaid(text: string): Promise<unknown> {
  const { default: mermaid } = await import('mermaid');
  return mermaid.parse(text);
}

function gateway(map: ReturnType<typeof buildAccessMap>, stack: string): ClassicGatewayAccess {
  return map.stacks.find((s) => s.stack === stack)?.systems.apigateway as ClassicGatewayAccess;
}

describe('access map', () => {
  test('the example access map renders as a Mermaid flowchart that the Mermaid parser accepts', async () => {
    // GIVEN the example app, synthesized from the committed lock
    const app = synthEnvironments(ENVIRONMENTS, readLockFile(defaultLockPath()) as LockFile);
    // WHEN
    const markdown = renderAccessMapMarkdown(buildAccessMap(app));
    // THEN the fenced block is a diagram Mermaid parses as a flowchart
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    expect(block).toBeDefined();
    await expect(parseMermaid(block as string)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
    expect(block).toMatch(/client app_provisioning_demo/);
  });

  test('a map with every system (classic gateway, RAM, APIG, OCI) renders as a diagram the Mermaid parser accepts', async () => {
    // GIVEN fixture stacks of each system
    const apig = apigTestStack();
    new ApigJwtAuthentication(apig, 'GlobalJwt', { gateway: testGateway(apig), server: testServer(apig), policyName: 'm2m-jwt', authorization: ApigAuthorization.whitelist([{ domain: 'api.example.com', path: '/health' }]) });
    const oci = ociTestStack();
    seedDeployment(oci);
    const fixture = synthEnvironments([fixtureEnv()]);
    const app = { dir: '', stacks: [...fixture.stacks, parseStack('apig-fx', JSON.parse(Testing.synth(apig))), parseStack('oci-fx', JSON.parse(Testing.synth(oci)))] };
    // WHEN
    const map = buildAccessMap(app);
    // THEN
    expect(map.stacks.map((s) => Object.keys(s.systems)).flat().sort()).toEqual(['apig', 'apigateway', 'oci', 'ram']);
    await expect(parseMermaid(renderMermaid(map))).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
  });

  test('the Mermaid parser used here rejects a broken diagram (the check is not vacuous)', async () => {
    await expect(parseMermaid('flowchart LR\n  a["unterminated --> b')).rejects.toThrow(/Parse error/);
  });

  test('labels with quotes, markup, brackets and hashes are escaped so the diagram still parses', async () => {
    // GIVEN a model with characters that would end or break Mermaid labels
    const model: ClassicGatewayAccess = {
      warnings: [],
      routes: [{
        group: 'g "1"', api: 'say "hi" #1 <b>', method: 'GET', path: '/users/[id]|x', stage: 'TEST', authType: 'ANONYMOUS',
        otherPlugins: [], notes: [],
        callers: [{ client: 'app_"x"]', audiences: [], scopesAllOf: ['a|b'], scopesAnyOf: [] }],
      }],
    };
    // WHEN
    const text = renderMermaid({ version: 1, stacks: [{ stack: 'odd', systems: { apigateway: model } }] });
    // THEN
    await expect(parseMermaid(text)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
  });

  test('names each allowed client with the scopes it needs, per API and stage, with the JWT settings', () => {
    // GIVEN
    const app = synthEnvironments([fixtureEnv({ stages: ['TEST', 'RELEASE'] })]);
    // WHEN
    const routes = gateway(buildAccessMap(app), 'gateway-fx').routes;
    // THEN
    expect(routes.map((r) => `${r.api} ${r.method} ${r.path} ${r.stage}`)).toEqual(['list_orders GET /orders RELEASE', 'list_orders GET /orders TEST']);
    for (const r of routes) {
      expect(r.callers).toEqual([{ client: SEED_CLIENT_ID, audiences: [TEST_AUDIENCE], scopesAllOf: ['orders:read', 'orders:write'], scopesAnyOf: [], claims: { iss: [TEST_ISSUER] } }]);
      expect(r.jwt).toMatchObject({ tokenLocation: 'header Authorization', preventJtiReplay: true, ignoreExpirationCheck: false, bypassEmptyToken: false });
      expect(r.jwt?.keyThumbprints).toEqual(['Ly7lCyRbWVKIGPBoGhEFV4MF-1JUrkRfJsZSsiMTDd8']);
    }
    expect(OTHER_CLIENT_ID).not.toBe(SEED_CLIENT_ID);
  });

  test('shows replay blocked by default and replay allowed under the gateway.allowJtiReplay opt-out', () => {
    // GIVEN the same fixture, once with the reasoned opt-out
    const base = fixtureEnv();
    const optedOut = fixtureEnv({ gateway: { ...base.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } });
    // WHEN
    const blocked = buildAccessMap(synthEnvironments([base]));
    const allowed = buildAccessMap(synthEnvironments([optedOut]));
    // THEN
    expect(gateway(blocked, 'gateway-fx').routes.map((r) => r.jwt?.preventJtiReplay)).toEqual([true]);
    expect(gateway(allowed, 'gateway-fx').routes.map((r) => r.jwt?.preventJtiReplay)).toEqual([false]);
    expect(renderAccessMapMarkdown(blocked)).toMatch(/replay blocked/);
    expect(renderAccessMapMarkdown(blocked)).not.toMatch(/replay allowed/);
    expect(renderAccessMapMarkdown(allowed)).toMatch(/replay allowed/);
    expect(renderAccessMapMarkdown(allowed)).not.toMatch(/replay blocked/);
  });

  test('models the RAM chain: issuer, provider with fingerprints and client ids, role subjects and policies', () => {
    // GIVEN
    const app = synthEnvironments([fixtureEnv()]);
    // WHEN
    const ram = buildAccessMap(app).stacks.find((s) => s.stack === 'federation-fx')?.systems.ram as RamFederationAccess;
    // THEN
    expect(ram.providers).toEqual([expect.objectContaining({ name: 'orders-fx', issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE], fingerprints: ['4a7c1f0e2b9d3c5e6f708192a3b4c5d6e7f80912'] })]);
    expect(ram.roles[0].name).toBe('orders-reader-fx');
    expect(ram.roles[0].trust?.[0]).toMatchObject({ provider: 'orders-fx' });
    expect(ram.roles[0].trust?.[0].conditions).toContainEqual({ operator: 'StringEquals', key: 'oidc:sub', values: [SEED_CLIENT_ID] });
    expect(ram.roles[0].policies).toEqual([{ name: 'AliyunOSSReadOnlyAccess', type: 'System' }]);
  });
});
