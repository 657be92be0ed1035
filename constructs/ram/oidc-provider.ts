import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ImsOidcProvider } from '../../.gen/providers/alicloud/ims-oidc-provider';
import { MAX_FINGERPRINTS, PinVerdict, checkPin, parseFingerprint } from '../../core/fingerprint';
import type { IssuerFacts } from '../../core/issuer-facts';
import { MAX_OIDC_CLIENT_IDS, OIDC_ISSUANCE_LIMIT_HOURS, isWholeNumberIn } from '../../core/ranges';
import type { IM2mAuthorizationServer } from '../m2m/authorization-server';
import { IssuerLookup } from '../m2m/issuer-lookup';
import { invalidProp } from '../private/errors';
import { validateHttpsUrl } from '../private/validators';
import { generatedName, OIDC_PROVIDER_NAME, validateName } from './private/names';
import { sortedUnique } from './private/values';
import { lean } from '../private/lean-resource';

const LeanImsOidcProvider = /* @__PURE__ */ lean(ImsOidcProvider);

const MAX_ISSUER_URL_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 256;
/** Client ids: letters, digits and `. - _ : /`, not starting with a special character. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const OIDC_PROVIDER_ARN = /^acs:ram::(\d+):oidc-provider\/([^/]+)$/;

const REFRESH_HINT = 'Re-run `npm run lookups -- --refresh`, compare the result with a fingerprint you compute yourself '
  + '(openssl s_client -showcerts, SHA-1 of the last certificate printed), and do not deploy until they agree.';

/**
 * An OIDC identity provider in RAM, created here or imported.
 *
 * Reference providers through this interface (`provider: IOidcProvider`), never by ARN string.
 */
export interface IOidcProvider extends IConstruct {
  /** ARN, `acs:ram::<uid>:oidc-provider/<name>`: the `OIDCProviderArn` of AssumeRoleWithOIDC. */
  readonly oidcProviderArn: string;
  /** Name of the provider in RAM. */
  readonly oidcProviderName: string;
  /** Issuer URL; tokens exchanged through this provider must carry it as `iss`. */
  readonly issuerUrl: string;
  /** Client ids (audiences) registered on the provider; a token's `aud` must be one of them. */
  readonly clientIds: readonly string[];
}

/** Options shared by {@link OidcProvider} and {@link OidcProvider.forM2mServer}. */
export interface OidcProviderOptions {
  /**
   * Name of the provider in RAM, unique in the account. Changing it replaces the provider.
   * @default - generated from the construct path (letters, digits, `-`, plus a hash)
   */
  readonly oidcProviderName?: string;
  /**
   * SHA-1 fingerprints you computed yourself (e.g. with openssl) and expect the synth-time
   * lookup to have recorded. Each must be the top certificate one of the issuer's hosts
   * presented when `lookups.lock.json` was last refreshed; a mismatch fails construction,
   * because it can mean the issuer URL is under attack. Colons, upper case and OpenSSL's `SHA1 Fingerprint=…` line are accepted and
   * normalized. A root-CA fingerprint is refused: RAM compares the top certificate the issuer presents.
   * @default - no extra check: the recorded fingerprints are trusted as they are
   */
  readonly expectedFingerprints?: readonly string[];
  /**
   * How old (hours since `iat`) a token may be and still be exchanged for STS credentials.
   * Allowed: 1–168.
   * @default 12
   */
  readonly issuanceLimitHours?: number;
  /**
   * Description of the provider (up to 256 characters).
   * @default - no description
   */
  readonly description?: string;
}

/** Properties for {@link OidcProvider}. */
export interface OidcProviderProps extends OidcProviderOptions {
  /**
   * Issuer URL of the identity provider (the `iss` claim of its tokens): https, without query,
   * fragment or credentials, exactly as its discovery document states it. Its TLS fingerprints
   * must have been recorded by `npm run lookups`.
   */
  readonly issuerUrl: string;
  /**
   * Client ids (1–50) a token's `aud` claim may carry. For an IDaaS M2M server this is the
   * server's audience identifier. Duplicates are removed.
   */
  readonly clientIds: readonly string[];
}

/** What {@link OidcProvider.fromOidcProviderArn} needs besides the ARN. */
export interface OidcProviderAttributes {
  /** Issuer URL of the existing provider (https, no query or fragment). */
  readonly issuerUrl: string;
  /** Client ids registered on the existing provider (1–50). */
  readonly clientIds: readonly string[];
}

/**
 * Defines a RAM OIDC identity provider, so tokens of an external issuer (such as an IDaaS M2M
 * server) can be exchanged for STS credentials with AssumeRoleWithOIDC.
 *
 * The TLS fingerprints are never typed in: they come from the synth-time lookup
 * (`lookups.lock.json`), old and new side by side during a certificate rotation. Pin the ones
 * you verified yourself with `expectedFingerprints`.
 *
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/use-cases/no-ak-access-configuration-process-combined-with-alibaba-cloud-ram
 * @example
 * const provider = OidcProvider.forM2mServer(stack, 'IdaasProvider', server, {
 *   oidcProviderName: 'idaas-m2m',
 * });
 * new TerraformOutput(stack, 'OidcProviderArn', { value: provider.oidcProviderArn });
 */
export class OidcProvider extends Construct implements IOidcProvider {
  /**
   * Defines a provider for an M2M authorization server: its issuer, and its audience
   * identifier as the only client id.
   */
  public static forM2mServer(scope: Construct, id: string, server: IM2mAuthorizationServer, options: OidcProviderOptions = {}): OidcProvider {
    return new OidcProvider(scope, id, { ...options, issuerUrl: server.issuer, clientIds: [server.audience] });
  }

  /**
   * Imports an existing provider by ARN (`acs:ram::<uid>:oidc-provider/<name>`).
   * Nothing is created; the issuer and client ids are taken as given.
   */
  public static fromOidcProviderArn(scope: Construct, id: string, oidcProviderArn: string, attributes: OidcProviderAttributes): IOidcProvider {
    return new ImportedOidcProvider(scope, id, oidcProviderArn, attributes);
  }

  /** ARN of the provider (resolved at apply). Put it in a `TerraformOutput` for callers of AssumeRoleWithOIDC. */
  public readonly oidcProviderArn: string;
  /** Name of the provider in RAM. */
  public readonly oidcProviderName: string;
  /** Issuer URL. */
  public readonly issuerUrl: string;
  /** Client ids, sorted and de-duplicated. */
  public readonly clientIds: readonly string[];
  /** Fingerprints rendered on the provider, sorted: the recorded ones (plus pinned ones seen by the lookup). */
  public readonly fingerprints: readonly string[];
  /** Issuance limit in hours. */
  public readonly issuanceLimitHours: number;
  /** The underlying `alicloud_ims_oidc_provider` (escape hatch). */
  public readonly resource: ImsOidcProvider;

  public constructor(scope: Construct, id: string, props: OidcProviderProps) {
    super(scope, id);
    const name = props.oidcProviderName ?? generatedName(this, OIDC_PROVIDER_NAME);
    validateName(this, 'oidcProviderName', name, OIDC_PROVIDER_NAME);
    validateIssuerUrl(this, 'issuerUrl', props.issuerUrl);
    if (Token.isUnresolved(props.issuerUrl)) {
      throw invalidProp(this, 'issuerUrl', 'must be a literal URL known at synth time', props.issuerUrl,
        'Its TLS fingerprints are read from lookups.lock.json by URL; pass the issuer URL as a string.');
    }
    const clientIds = validateClientIds(this, 'clientIds', props.clientIds);
    const issuanceLimitHours = props.issuanceLimitHours ?? OIDC_ISSUANCE_LIMIT_HOURS.default;
    if (!Token.isUnresolved(issuanceLimitHours) && !isWholeNumberIn(issuanceLimitHours, OIDC_ISSUANCE_LIMIT_HOURS)) {
      throw invalidProp(this, 'issuanceLimitHours', `must be a whole number of hours between ${OIDC_ISSUANCE_LIMIT_HOURS.min} and ${OIDC_ISSUANCE_LIMIT_HOURS.max}`, issuanceLimitHours,
        `Use ${OIDC_ISSUANCE_LIMIT_HOURS.default} (the RAM default) unless tokens must stay exchangeable longer.`);
    }
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > MAX_DESCRIPTION_LENGTH) {
      throw invalidProp(this, 'description', `must be at most ${MAX_DESCRIPTION_LENGTH} characters`, props.description, 'Shorten the description.');
    }
    const facts = IssuerLookup.facts(this, props.issuerUrl, 'issuerUrl');
    const fingerprints = resolveFingerprints(this, facts, props.expectedFingerprints);

    this.oidcProviderName = name;
    this.issuerUrl = props.issuerUrl;
    this.clientIds = clientIds;
    this.fingerprints = fingerprints;
    this.issuanceLimitHours = issuanceLimitHours;
    this.resource = new LeanImsOidcProvider(this, 'Resource', {
      oidcProviderName: name,
      issuerUrl: props.issuerUrl,
      clientIds: [...clientIds],
      fingerprints: [...fingerprints],
      issuanceLimitTime: issuanceLimitHours,
      description: props.description,
    });
    this.oidcProviderArn = this.resource.arn;
  }
}

/** A provider that exists outside this stack. */
class ImportedOidcProvider extends Construct implements IOidcProvider {
  public readonly oidcProviderArn: string;
  public readonly oidcProviderName: string;
  public readonly issuerUrl: string;
  public readonly clientIds: readonly string[];

  public constructor(scope: Construct, id: string, arn: string, attributes: OidcProviderAttributes) {
    super(scope, id);
    if (Token.isUnresolved(arn)) {
      this.oidcProviderName = Token.asString(Fn.element(Fn.split('/', arn), 1));
    } else {
      const match = OIDC_PROVIDER_ARN.exec(arn);
      if (!match || !OIDC_PROVIDER_NAME.pattern.test(match[2])) {
        throw invalidProp(this, 'oidcProviderArn', 'must be an OIDC provider ARN of the form acs:ram::<account id>:oidc-provider/<name>', arn,
          'Copy the ARN from RAM console > SSO > OIDC > the provider\'s basic information.');
      }
      this.oidcProviderName = match[2];
    }
    validateIssuerUrl(this, 'issuerUrl', attributes.issuerUrl);
    this.oidcProviderArn = arn;
    this.issuerUrl = attributes.issuerUrl;
    this.clientIds = validateClientIds(this, 'clientIds', attributes.clientIds);
  }
}

function validateIssuerUrl(scope: IConstruct, prop: string, value: string): void {
  validateHttpsUrl(scope, prop, value);
  if (!Token.isUnresolved(value) && value.length > MAX_ISSUER_URL_LENGTH) {
    throw invalidProp(scope, prop, `must be at most ${MAX_ISSUER_URL_LENGTH} characters`, value, 'RAM rejects longer issuer URLs.');
  }
}

function validateClientIds(scope: IConstruct, prop: string, values: readonly string[] | undefined): string[] {
  if (!values || values.length === 0) {
    throw invalidProp(scope, prop, 'must not be empty', values ?? [],
      'List the client ids (audiences) tokens are issued for; for an IDaaS M2M server, its audience identifier.');
  }
  values.forEach((v, i) => {
    if (Token.isUnresolved(v)) return;
    if (typeof v !== 'string' || !CLIENT_ID.test(v)) {
      throw invalidProp(scope, `${prop}[${i}]`, 'must be a client id of up to 128 letters, digits and ". - _ : /", starting with a letter or digit', v,
        'Copy the client id (audience identifier) exactly as the identity provider issues it.');
    }
  });
  const unique = sortedUnique(values);
  if (unique.length > MAX_OIDC_CLIENT_IDS) {
    throw invalidProp(scope, prop, `must have at most ${MAX_OIDC_CLIENT_IDS} entries (the RAM limit per OIDC provider)`, `${unique.length} client ids`,
      'Split the clients over several OIDC providers, or drop ones no role trusts.');
  }
  return unique;
}

/**
 * The fingerprints to render: the recorded ones, plus pinned ones that the lookup saw presented.
 * A pinned fingerprint the lookup never saw is an error: the issuer may be under attack.
 */
function resolveFingerprints(scope: IConstruct, facts: IssuerFacts, expected: readonly string[] | undefined): string[] {
  const recorded = facts.fingerprints.map((raw, i) => {
    const fp = parseFingerprint(raw);
    if (fp === undefined) {
      throw invalidProp(scope, 'issuerUrl', `has a malformed recorded fingerprint #${i} in lookups.lock.json (expected 40 hex characters)`, raw, REFRESH_HINT);
    }
    return fp;
  });
  const result = new Set<string>(recorded);
  (expected ?? []).forEach((raw, i) => {
    const prop = `expectedFingerprints[${i}]`;
    const pin = checkPin(raw, facts);
    switch (pin.verdict) {
      case PinVerdict.ACCEPTED:
        result.add(pin.fingerprint);
        return;
      case PinVerdict.MALFORMED:
        throw invalidProp(scope, prop, 'must be a 40-character hex SHA-1 fingerprint', raw,
          'Compute it with `openssl x509 -fingerprint -sha1 -noout` on the last certificate `openssl s_client -showcerts` prints.');
      case PinVerdict.ROOT_CA:
        throw invalidProp(scope, prop, 'is the fingerprint of the root CA, not of the top certificate the issuer presents', raw,
          'Alibaba Cloud checks the top certificate of the chain the server sends (the last one `openssl s_client -showcerts` prints); pin that one.');
      case PinVerdict.NOT_OBSERVED:
        throw invalidProp(scope, prop, `was not observed by the synth-time lookup of ${facts.issuer} (recorded: ${recorded.join(', ') || 'none'}); `
          + 'if they do not match, the issuer URL might be under attack', raw, REFRESH_HINT);
    }
  });
  const fingerprints = sortedUnique([...result]);
  if (fingerprints.length === 0) {
    throw invalidProp(scope, 'issuerUrl', 'has no recorded TLS fingerprint in lookups.lock.json', facts.issuer, REFRESH_HINT);
  }
  if (fingerprints.length > MAX_FINGERPRINTS) {
    throw invalidProp(scope, 'fingerprints', `must have at most ${MAX_FINGERPRINTS} entries (the RAM limit per OIDC provider)`, fingerprints,
      'After a certificate rotation has completed and STS exchanges work with the new certificate, prune the old fingerprints from lookups.lock.json (`npm run lookups -- --refresh`).');
  }
  return fingerprints;
}
