/**
 * AssumeRoleWithOIDC through the official Alibaba Cloud STS SDK (`@alicloud/sts20150401`): the
 * anonymous RPC call (Action=AssumeRoleWithOIDC, Version=2015-04-01, Format=JSON) the API
 * reference describes, against a regional endpoint (`https://sts.<region>.aliyuncs.com`) or any
 * other (the STS emulator).
 *
 * The credentials never leave this module: the caller gets their expiry and whether each part is
 * present. Error texts are built from the error code and the response body only, because the
 * SDK's own messages for network errors contain the request URL, and with it the token.
 */
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Sts, { AssumeRoleWithOIDCRequest } from '@alicloud/sts20150401';
import { redact } from './redact';

/** One exchange. */
export interface AssumeRoleWithOidcCall {
  /** STS endpoint URL, e.g. `https://sts.cn-hangzhou.aliyuncs.com`. */
  readonly endpoint: string;
  /** `OIDCProviderArn`. */
  readonly oidcProviderArn: string;
  /** `RoleArn`. */
  readonly roleArn: string;
  /** `OIDCToken`. */
  readonly oidcToken: string;
  /** `RoleSessionName`. */
  readonly roleSessionName: string;
  /** `DurationSeconds`. */
  readonly durationSeconds: number;
}

/** What came back, without the secret parts of the credentials. */
export type AssumeRoleWithOidcResult =
  | {
    readonly ok: true;
    /** Whether AccessKeyId, AccessKeySecret and SecurityToken are all non-empty. */
    readonly complete: boolean;
    /** `Credentials.Expiration` as sent. */
    readonly expiration?: string;
    /** `AssumedRoleUser.Arn`. */
    readonly assumedRoleArn?: string;
  }
  | { readonly ok: false; readonly status?: number; readonly code: string; readonly message: string; readonly unreachable?: boolean };

/** Calls AssumeRoleWithOIDC; never throws for HTTP or network failures. */
export async function assumeRoleWithOidc(call: AssumeRoleWithOidcCall): Promise<AssumeRoleWithOidcResult> {
  const url = new URL(call.endpoint);
  const client = new Sts(new $OpenApiUtil.Config({ endpoint: url.host, protocol: url.protocol.replace(/:$/, '') }));
  try {
    const res = await client.assumeRoleWithOIDC(new AssumeRoleWithOIDCRequest({
      OIDCProviderArn: call.oidcProviderArn,
      roleArn: call.roleArn,
      OIDCToken: call.oidcToken,
      roleSessionName: call.roleSessionName,
      durationSeconds: call.durationSeconds,
    }));
    const creds = res.body?.credentials;
    return {
      ok: true,
      complete: !!(creds?.accessKeyId && creds.accessKeySecret && creds.securityToken),
      expiration: creds?.expiration,
      assumedRoleArn: res.body?.assumedRoleUser?.arn,
    };
  } catch (error) {
    const e = error as { code?: unknown; statusCode?: unknown; data?: Record<string, unknown>; cause?: { code?: unknown } };
    const data = e.data && typeof e.data === 'object' ? e.data : undefined;
    if (data && typeof data.Code === 'string') {
      const reason = typeof data.Reason === 'string' ? ` (${data.Reason})` : '';
      const message = `${typeof data.Message === 'string' ? data.Message : ''}${reason}`;
      return { ok: false, status: typeof e.statusCode === 'number' ? e.statusCode : undefined, code: data.Code, message: redact(message, call.oidcToken, '<token>') };
    }
    const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : 'NetworkError';
    return { ok: false, code, message: `cannot reach ${url.origin}`, unreachable: true };
  }
}
