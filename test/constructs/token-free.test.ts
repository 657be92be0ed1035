import { App, DefaultTokenResolver, Lazy, StringConcat, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import type { IResolveContext } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { ApiGatewayApi, type ApiGatewayApiConfig } from '../../.gen/providers/alicloud/api-gateway-api';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { ApiGroup } from '../../constructs';
import { PreparedFragment, lean } from '../../constructs/private/lean-resource';
import { holdsNoTokens } from '../../constructs/private/token-free';

function providerStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  return stack;
}

/** cdktf's own resolution of `value` (the oracle): preparing or final. */
function cdktfResolve(stack: TerraformStack, value: unknown, preparing: boolean): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** A small seeded generator (mulberry32), so that a failure names a reproducible case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings that look like tokens, numbers or interpolations without being cdktf tokens. */
const TRICKY_STRINGS = ['', 'plain', '${var.region}', '${alicloud_api_gateway_group.g.id}', '1e5', '-1.5e+10', 'release', 'a-e-b', 'TfToken', '{TfToken}', '#{x}', '&{y}', 'String Map', 'ünïcödé', '$${literal}'];

function randomPlain(next: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return pick(TRICKY_STRINGS);
    case 1:
      return pick([0, -1, 1.5, 1e21, -123456788, Number.MAX_SAFE_INTEGER, 2 ** -1074]);
    case 2:
      return pick([true, false, null]);
    case 3:
      return `${pick(TRICKY_STRINGS)}${Math.floor(next() * 100)}`;
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomPlain(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i--) out[`${pick(TRICKY_STRINGS)}k${i}`] = randomPlain(next, depth + 1);
      return out;
    }
  }
}

describe('holdsNoTokens', () => {
  test('is false for every kind of token cdktf makes, wherever it sits', () => {
    const stack = providerStack();
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_one' });
    const lazy = Lazy.anyValue({ produce: () => 'x' });
    const tokens: Record<string, unknown> = {
      'string token': Token.asString(lazy),
      'string token inside text': `prefix-${Token.asString(lazy)}-suffix`,
      'attribute reference': group.resource.id,
      'resolvable object': lazy,
      'list token': Token.asList(lazy)[0],
      'number token': Token.asNumber(lazy),
      'stringified number token': String(Token.asNumber(lazy)),
      'number list token': Token.asNumberList(lazy)[0],
      'map token': Token.asStringMap(lazy),
      'any map token': Token.asAnyMap(lazy),
      'number map token': Token.asNumberMap(lazy),
    };
    for (const [name, token] of Object.entries(tokens)) {
      // The oracle: cdktf itself sees a token in each (or resolves it to something else).
      expect(Token.isUnresolved(token) || Token.isUnresolved([token]) || cdktfResolve(stack, token, false) !== token, name).toBe(true);
      for (const holder of [token, [1, [token]], { a: { b: [{ c: token }] } }]) {
        expect(holdsNoTokens(holder), `${name} in ${JSON.stringify(holder)}`).toBe(false);
      }
    }
  });

  test('is false for anything that is not plain data (class instances, functions, symbols, cycles)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [new Date(0), () => 1, Symbol('s'), 1n, new Map(), cyclic, { f: () => 1 }]) {
      expect(holdsNoTokens(value)).toBe(false);
    }
  });

  test('when it says "no tokens", cdktf resolves the value to an equal copy (2,000 seeded values)', () => {
    const stack = providerStack();
    const next = random(17);
    let plain = 0;
    for (let i = 0; i < 2000; i++) {
      const value = randomPlain(next);
      if (!holdsNoTokens(value)) continue; // a conservative "may hold a token": cdktf's own walk runs
      plain++;
      expect(cdktfResolve(stack, value, true), JSON.stringify(value)).toStrictEqual(value);
      expect(cdktfResolve(stack, value, false), JSON.stringify(value)).toStrictEqual(value);
    }
    // Most generated values are plain; a handful hit the conservative number-token shape.
    expect(plain).toBeGreaterThan(1000);
  });

  test('treats undefined members like cdktf (dropped, no token)', () => {
    expect(holdsNoTokens({ a: undefined, b: [undefined, 'x'] })).toBe(true);
  });
});

describe('PreparedFragment (lean resources)', () => {
  const LeanApi = lean(ApiGatewayApi);
  const props: ApiGatewayApiConfig = { groupId: 'group-1', name: 'api_one', description: 'one API', authType: 'ANONYMOUS', requestConfig: { protocol: 'HTTPS', method: 'GET', path: '/a', mode: 'MAPPING' }, serviceType: 'MOCK' };

  function context(stack: TerraformStack, preparing: boolean): IResolveContext {
    return {
      scope: stack,
      preparing,
      registerPostProcessor: () => undefined,
      resolve: (x: unknown) => cdktfResolve(stack, x, preparing),
    } as IResolveContext;
  }

  test('is skipped by the preparing walk when the block holds no token, and resolves to the block otherwise', () => {
    const stack = providerStack();
    const api = new LeanApi(stack, 'Api', props);
    const fragment = api.toTerraform() as PreparedFragment;
    expect(fragment).toBeInstanceOf(PreparedFragment);
    expect(fragment.resolve(context(stack, true))).toBeUndefined();
    const generated = new ApiGatewayApi(providerStack(), 'Api', props);
    expect(cdktfResolve(stack, fragment, false)).toStrictEqual(cdktfResolve(stack, generated.toTerraform(), false));
  });

  test('a block holding a token still gets the preparing walk: its token is resolved exactly as in the generated class', () => {
    /** Whether each resolution of a token in the block happened while preparing, over one app.synth(). */
    const resolutions = (cls: typeof ApiGatewayApi): boolean[] => {
      const stack = providerStack();
      const seen: boolean[] = [];
      const api = new cls(stack, 'Api', props);
      api.description = Lazy.stringValue({ produce: (ctx: IResolveContext) => (seen.push(ctx.preparing), 'described') });
      App.of(stack).synth();
      return seen;
    };
    const stock = resolutions(ApiGatewayApi);
    expect(stock).toContain(true); // the oracle: cdktf's preparing walk reaches the token
    expect(resolutions(LeanApi)).toEqual(stock);
  });

  test('checks the block as it is when the preparing walk runs, not when toTerraform() was called', () => {
    const stack = providerStack();
    const api = new LeanApi(stack, 'Api', props);
    const fragment = api.toTerraform() as PreparedFragment;
    (fragment.fragment as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource.alicloud_api_gateway_api[api.friendlyUniqueId].description = Lazy.stringValue({ produce: () => 'late' });
    expect(fragment.resolve(context(stack, true))).toBe(fragment.fragment);
  });
});
