import { App, DefaultTokenResolver, Lazy, StringConcat, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import type { IResolveContext } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { ApiGatewayApi, type ApiGatewayApiConfig } from '../../.gen/providers/alicloud/api-gateway-api';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { ApiGroup } from '../../constructs';
import { BlockToken, lean } from '../../constructs/private/lean-resource';
import { MAY_HOLD_TOKENS, holdsNoTokens, tokenFreeCopy } from '../../constructs/private/token-free';

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
      for (let i = Math.floor(next() * 4); i > 0; i--) out[`${pick(TRICKY_STRINGS)}k${i}`] = next() < 0.1 ? undefined : randomPlain(next, depth + 1);
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

  test('when it says "no tokens", cdktf resolves the value to a plain copy, as a block token hands it over (2,000 seeded values)', () => {
    const stack = providerStack();
    const next = random(17);
    let plain = 0;
    for (let i = 0; i < 2000; i++) {
      const value = randomPlain(next);
      if (!holdsNoTokens(value)) continue; // a conservative "may hold a token": cdktf's own walk runs
      plain++;
      // JSON drops undefined members, as cdktf does: an oracle independent of both.
      const copy: unknown = JSON.parse(JSON.stringify(value));
      expect(cdktfResolve(stack, value, true), JSON.stringify(value)).toStrictEqual(copy);
      expect(cdktfResolve(stack, value, false), JSON.stringify(value)).toStrictEqual(copy);
      expect(cdktfResolve(stack, new BlockToken(value), false), JSON.stringify(value)).toStrictEqual(copy);
    }
    // Most generated values are plain; a handful hit the conservative number-token shape.
    expect(plain).toBeGreaterThan(1000);
  });

  test('allows undefined object members (cdktf drops them), not undefined list items (cdktf filters the list)', () => {
    expect(holdsNoTokens({ a: undefined, b: { c: undefined, d: ['x'] } })).toBe(true);
    expect(holdsNoTokens({ b: [undefined, 'x'] })).toBe(false);
  });
});

describe('tokenFreeCopy', () => {
  test('drops undefined members at any depth, shares what it need not change and leaves its input alone', () => {
    const kept = { d: ['x', { e: 1 }] };
    const input = { a: 1, b: undefined, c: { f: undefined, g: [{ h: undefined, i: null }] }, kept };
    const before = JSON.stringify(input);
    const copy = tokenFreeCopy(input) as Record<string, unknown>;
    expect(copy).toStrictEqual({ a: 1, c: { g: [{ i: null }] }, kept: { d: ['x', { e: 1 }] } });
    expect(copy.kept).toBe(kept);
    expect(Object.keys(input)).toEqual(['a', 'b', 'c', 'kept']);
    expect(JSON.stringify(input)).toBe(before);
    expect(tokenFreeCopy(kept)).toBe(kept);
  });

  test('gives MAY_HOLD_TOKENS exactly where holdsNoTokens is false', () => {
    const lazy = Lazy.anyValue({ produce: () => 'x' });
    for (const value of [{ a: undefined, b: Token.asString(lazy) }, [1, lazy], { [Token.asString(lazy)]: 1 }, [undefined]]) {
      expect(tokenFreeCopy(value)).toBe(MAY_HOLD_TOKENS);
      expect(holdsNoTokens(value)).toBe(false);
    }
  });
});

describe('BlockToken (lean resources)', () => {
  const LeanApi = lean(ApiGatewayApi);
  const props: ApiGatewayApiConfig = { groupId: 'group-1', name: 'api_one', description: 'one API', authType: 'ANONYMOUS', requestConfig: { protocol: 'HTTPS', method: 'GET', path: '/a', mode: 'MAPPING' }, serviceType: 'MOCK' };

  /** The written stack of an app with `define` applied to a fresh provider stack. */
  function written(define: (stack: TerraformStack) => void): string {
    const stack = providerStack();
    define(stack);
    return Testing.synth(stack);
  }

  test('resolves, preparing or not, to what cdktf resolves the generated class\'s block to', () => {
    const stack = providerStack();
    const api = new LeanApi(stack, 'Api', props);
    const block = api.toTerraform() as BlockToken;
    expect(block).toBeInstanceOf(BlockToken);
    const generated = new ApiGatewayApi(providerStack(), 'Api', props).toTerraform();
    expect(cdktfResolve(stack, block, false)).toStrictEqual(cdktfResolve(stack, generated, false));
    // While preparing the result is thrown away by cdktf: a token-free block resolves to nothing.
    expect(cdktfResolve(stack, block, true)).toBeUndefined();
  });

  test('a block holding a token gets cdktf\'s walks: its token is resolved exactly as in the generated class', () => {
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

  test('checks the block as it is when it is resolved, not when toTerraform() was called', () => {
    const stack = providerStack();
    const api = new LeanApi(stack, 'Api', props);
    const block = api.toTerraform() as BlockToken;
    (block.block as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource.alicloud_api_gateway_api[api.friendlyUniqueId].description = Lazy.stringValue({ produce: () => 'late' });
    const resolved = cdktfResolve(stack, block, false) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(resolved.resource.alicloud_api_gateway_api[api.friendlyUniqueId].description).toBe('late');
  });

  test('its unset members (moved, import) do not erase those of blocks merged before it', () => {
    // deepMerge deletes a key for an undefined member: the block hands over its copy without them.
    const define = (cls: typeof ApiGatewayApi) => (stack: TerraformStack) => {
      const moved = new ApiGatewayApi(stack, 'Moved', props);
      moved.moveFromId('alicloud_api_gateway_api.old');
      new ApiGatewayApi(stack, 'Imported', props).importFrom('api-id-1');
      new cls(stack, 'After', props);
    };
    const stock = written(define(ApiGatewayApi));
    expect(stock).toContain('"moved"');
    expect(stock).toContain('"import"');
    expect(written(define(LeanApi))).toBe(stock);
  });

  test('keeps list items and nested blocks as cdktf writes them', () => {
    const define = (cls: typeof ApiGatewayApi) => (stack: TerraformStack) => {
      const api = new cls(stack, 'Api', { ...props, stageNames: ['TEST', 'RELEASE'], httpServiceConfig: { address: 'https://b.example.com', path: '/a', method: 'GET', timeout: 1000 } });
      api.putRequestParameters([{ name: 'q', in: 'QUERY', type: 'STRING', required: 'OPTIONAL', inService: 'QUERY', nameService: 'q' }]);
      api.addOverride('constant_parameters', [{ name: 'c', in: 'HEAD', value: 'v' }]);
    };
    expect(written(define(LeanApi))).toBe(written(define(ApiGatewayApi)));
  });
});
