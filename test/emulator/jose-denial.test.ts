/**
 * The DENY reasons of the APIG and OCI emulators for tokens jose refuses: real tokens signed with
 * real keys, verified by jose, each refusal worded as each gateway words it.
 */
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, test } from 'vitest';
import { joseDenial } from '../../emulator/jose-denial';

async function refusal(sign: (jwt: SignJWT) => SignJWT, options: { kid?: string; alg?: string; algorithms?: string[]; issuer?: string; otherKey?: boolean } = {}): Promise<unknown> {
  const alg = options.alg ?? 'RS256';
  const signer = await generateKeyPair(alg);
  const published = options.otherKey ? await generateKeyPair(alg) : signer;
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'k1', alg };
  const token = await sign(new SignJWT({ scope: 'a' }).setProtectedHeader({ alg, kid: options.kid ?? 'k1' })).sign(signer.privateKey);
  try {
    await jwtVerify(token, createLocalJWKSet({ keys: [jwk] }), { algorithms: options.algorithms ?? ['RS256'], issuer: options.issuer, requiredClaims: ['exp'] });
  } catch (error) {
    return error;
  }
  throw new Error('the token verified');
}

const valid = (jwt: SignJWT) => jwt.setIssuer('https://idp.example.test').setExpirationTime('5m');

describe('joseDenial', () => {
  test('words each refusal as each gateway does', async () => {
    const expired = await refusal((jwt) => jwt.setIssuer('https://idp.example.test').setExpirationTime(Math.floor(Date.now() / 1000) - 600));
    const issuer = await refusal(valid, { issuer: 'https://other.example.test' });
    const forged = await refusal(valid, { otherKey: true });
    const noKey = await refusal(valid, { kid: 'k2' });
    const alg = await refusal(valid, { alg: 'PS256', algorithms: ['RS256'] });
    const noExp = await refusal((jwt) => jwt.setIssuer('https://idp.example.test'));

    expect(joseDenial('apig', expired, ['RS256'])).toMatch(/^the token expired \(.+\)$/);
    expect(joseDenial('oci', expired, ['RS256'])).toMatch(/^the token expired \(.+\)$/);
    expect(joseDenial('apig', issuer, ['RS256'])).toMatch(/^claim iss rejected: .+/);
    expect(joseDenial('oci', issuer, ['RS256'])).toMatch(/^claim iss failed: .+/);
    expect(joseDenial('apig', noExp, ['RS256'])).toMatch(/^claim exp rejected: .+/);
    expect(joseDenial('apig', forged, ['RS256'])).toBe('the signature does not verify against the JWKS (forged or re-signed token)');
    expect(joseDenial('oci', forged, ['RS256'])).toBe('the signature does not verify with the JWKS');
    expect(joseDenial('apig', noKey, ['RS256'])).toBe('no key of the JWKS matches the token (kid/alg)');
    expect(joseDenial('oci', noKey, ['RS256'])).toBe('no key of the JWKS matches the token (kid / alg)');
    expect(joseDenial('apig', alg, ['RS256'])).toMatch(/^the token's algorithm is not accepted \(.+\)$/);
    expect(joseDenial('oci', alg, ['RS256', 'RS384'])).toBe("the token's alg is not one of RS256, RS384");
  });

  test('other jose errors carry their code; anything else is left to the caller', async () => {
    let malformed: unknown;
    await jwtVerify('not-a-token', new Uint8Array(32)).catch((error: unknown) => { malformed = error; });
    expect(joseDenial('apig', malformed, [])).toMatch(/^the token is rejected \(ERR_JWS_INVALID: .+\)$/);
    expect(joseDenial('oci', malformed, [])).toMatch(/^the token is invalid \(ERR_JWS_INVALID: .+\)$/);
    expect(joseDenial('apig', new Error('boom'), [])).toBeUndefined();
  });
});
