import { describe, expect, test } from 'vitest';
import { PinVerdict, checkPin, isCanonicalFingerprint, parseFingerprint } from '../../core/fingerprint';
import { certFact, issuerFacts } from '../support/facts';

// A SHA-1 written out by hand in the three forms users paste.
const CANONICAL = '4a7c1f0e2b9d3c5e6f708192a3b4c5d6e7f80912';
const COLONS_UPPER = '4A:7C:1F:0E:2B:9D:3C:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:12';

describe('parseFingerprint', () => {
  test.each([
    ['40 lowercase hex', CANONICAL],
    ['40 upper-case hex', CANONICAL.toUpperCase()],
    ['colon-separated upper-case pairs', COLONS_UPPER],
    ["OpenSSL's whole output line", `SHA1 Fingerprint=${COLONS_UPPER}`],
    ['OpenSSL 1.x spelling, lower case, surrounding whitespace', `  sha1 fingerprint=${COLONS_UPPER}\n`],
    ['SHA-1 spelling', `SHA-1 Fingerprint=${COLONS_UPPER}`],
  ])('normalises %s to 40 lowercase hex', (_form, pasted) => {
    expect(parseFingerprint(pasted)).toBe(CANONICAL);
  });

  test.each([
    ['too short', 'abc123'],
    ['41 characters', `${CANONICAL}0`],
    ['a non-hex character', `${CANONICAL.slice(0, 39)}g`],
    ['misplaced colons', `${CANONICAL.slice(0, 3)}:${CANONICAL.slice(3)}`],
    ['a SHA-256 fingerprint line', `SHA256 Fingerprint=${COLONS_UPPER}:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55`],
    ['not a string', 42],
  ])('fails when the value has %s', (_problem, value) => {
    expect(parseFingerprint(value)).toBeUndefined();
  });
});

describe('isCanonicalFingerprint', () => {
  test('accepts only the lock form', () => {
    expect(isCanonicalFingerprint(CANONICAL)).toBe(true);
    expect(isCanonicalFingerprint(CANONICAL.toUpperCase())).toBe(false);
    expect(isCanonicalFingerprint(COLONS_UPPER)).toBe(false);
  });
});

describe('checkPin', () => {
  const facts = issuerFacts('https://idp.example.com', {
    hosts: [{ host: 'idp.example.com', port: 443, presentedTop: certFact('a'), root: certFact('b') }],
    fingerprints: ['a'.repeat(40), 'c'.repeat(40)],
  });

  test('accepts the presented top certificate in any pasted form', () => {
    expect(checkPin(`SHA1 Fingerprint=${'AA:'.repeat(19)}AA`, facts)).toEqual({ verdict: PinVerdict.ACCEPTED, fingerprint: 'a'.repeat(40) });
  });

  test('fails when the pin is still listed in the lock but no host presents it any more (rotated away)', () => {
    expect(checkPin('c'.repeat(40), facts).verdict).toBe(PinVerdict.NOT_OBSERVED);
  });

  test('fails when the pin is the root CA one', () => {
    expect(checkPin('B'.repeat(40), facts)).toMatchObject({ verdict: PinVerdict.ROOT_CA, fingerprint: 'b'.repeat(40) });
  });

  test('fails when the pin was not observed, listing what was', () => {
    expect(checkPin('d'.repeat(40), facts)).toEqual({
      verdict: PinVerdict.NOT_OBSERVED, fingerprint: 'd'.repeat(40), observed: ['a'.repeat(40)],
    });
  });

  test('fails when the pin is malformed', () => {
    expect(checkPin('AB:CD', facts)).toEqual({ verdict: PinVerdict.MALFORMED });
  });
});
