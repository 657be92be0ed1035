import { generateKeyPairSync } from 'node:crypto';
import type { TerraformStack } from 'cdktf';
import { ApigGateway } from '../../../constructs';
import type { IApigGateway } from '../../../constructs';
import type { IssuerFacts, KeyFact } from '../../../core/issuer-facts';
import { TEST_FACTS, testLock, testStack } from '../../util';
import type { TestStackOptions } from '../../util';

/** The gateway instance id used by the APIG tests. */
export const GATEWAY_ID = 'gw-cq7l5s5lhtgi6qasrdc0';
/** The environment id used by the APIG tests. */
export const ENVIRONMENT_ID = 'env-cq7l5s5lhtgi6qasrdc0';

/** A second (EC) public signing key, as a lookup records it during a key rotation. */
export function rotatedKey(kid = 'next-es256'): KeyFact {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { kid, kty: 'EC', alg: 'ES256', use: 'sig', thumbprint: `thumb-${kid}`, jwk: { crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y } };
}

/** The test issuer's facts with an extra key (a rotation in progress). */
export function factsWithKeys(keys: readonly KeyFact[]): IssuerFacts {
  return { ...TEST_FACTS, keys };
}

/** A test stack (security checks on) whose lock records `facts` for the test issuer. */
export function apigTestStack(options: TestStackOptions & { facts?: IssuerFacts } = {}): TerraformStack {
  return testStack({ ...options, lock: options.facts ? { version: 1, issuers: { [options.facts.issuer]: options.facts } } : options.lock ?? testLock() });
}

/** The test gateway reference. */
export function testGateway(stack: TerraformStack): IApigGateway {
  return ApigGateway.fromGatewayAttributes(stack, 'Gateway', { gatewayId: GATEWAY_ID, environmentId: ENVIRONMENT_ID });
}
