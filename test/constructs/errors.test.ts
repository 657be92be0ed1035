import { describe, expect, test } from 'vitest';
import { ConstructError, ConstructErrorCode, IssuerLookup, OidcRole } from '../../constructs';
import { testProvider } from './ram/helpers';
import { TEST_ISSUER, testStack } from '../util';
import { App, TerraformStack } from 'cdktf';

/** The error a construction throws, failing the test when it throws none. */
function thrownBy(build: () => unknown): ConstructError {
  try {
    build();
  } catch (error) {
    return error as ConstructError;
  }
  throw new Error('expected the construction to fail');
}

describe('ConstructError', () => {
  test('is what a construct throws for a refused prop, with a stable code, the construct path and the prop', () => {
    // GIVEN
    const stack = testStack();
    const provider = testProvider(stack);
    // WHEN
    const error = thrownBy(() => new OidcRole(stack, 'CiRole', { provider, allowedSubjects: [] }));
    // THEN
    expect(error).toBeInstanceOf(ConstructError);
    expect(error).toMatchObject({ name: 'ConstructError', code: ConstructErrorCode.INVALID_PROP, constructPath: `${stack.node.path}/CiRole`, prop: 'allowedSubjects' });
  });

  test('names a missing lock and an unrecorded issuer with their own codes', () => {
    // GIVEN a stack without a lock, and one whose lock lacks the issuer
    const bare = new TerraformStack(new App(), 'bare');
    const other = testStack();
    // WHEN / THEN
    expect(thrownBy(() => IssuerLookup.facts(bare, TEST_ISSUER)).code).toBe(ConstructErrorCode.LOOKUPS_NOT_ATTACHED);
    expect(thrownBy(() => IssuerLookup.facts(other, 'https://not-recorded.example.com')).code).toBe(ConstructErrorCode.ISSUER_NOT_RECORDED);
  });
});
