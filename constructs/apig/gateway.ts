import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApigGateway as ApigGatewayResource } from '../../.gen/providers/alicloud/apig-gateway';
import { invalidProp } from '../private/errors';
import { lean } from '../private/lean-resource';

const LeanApigGateway = /* @__PURE__ */ lean(ApigGatewayResource);

/**
 * A cloud-native API Gateway (APIG) instance and the environment policies are attached in.
 *
 * Global authentication rules belong to one gateway and one of its environments; everything
 * else (domains, HTTP APIs, routes) is looked up by id.
 */
export interface IApigGateway extends IConstruct {
  /** Gateway instance id, e.g. `gw-cq7l5s5lhtgi6qasrdc0` (or a reference to a gateway defined in the stack). */
  readonly gatewayId: string;
  /** Environment id, e.g. `env-cq7l5s5lhtgi6qasrdc0` (or a reference). */
  readonly environmentId: string;
}

/** Ids of an existing gateway, for {@link ApigGateway.fromGatewayAttributes}. */
export interface ApigGatewayAttributes {
  /** Gateway instance id from the console (Instance page), e.g. `gw-cq7l5s5lhtgi6qasrdc0`. */
  readonly gatewayId: string;
  /** Id of the gateway environment the policies apply in, e.g. `env-cq7l5s5lhtgi6qasrdc0`. */
  readonly environmentId: string;
}

/** How a created gateway is reached. */
export enum ApigNetworkAccess {
  /** Public endpoint only. */
  INTERNET = 'Internet',
  /** VPC endpoint only. */
  INTRANET = 'Intranet',
  /** Both. */
  INTERNET_AND_INTRANET = 'InternetAndIntranet',
}

/** How a created gateway is billed. */
export enum ApigPaymentType {
  /** Pay-as-you-go. */
  PAY_AS_YOU_GO = 'PayAsYouGo',
  /** Subscription. */
  SUBSCRIPTION = 'Subscription',
}

/**
 * Properties for {@link ApigGateway}: a new, **billed** gateway instance.
 *
 * Most users reference an existing gateway with {@link ApigGateway.fromGatewayAttributes}
 * instead; creating one is never the default.
 */
export interface ApigGatewayProps {
  /**
   * Acknowledges that the stack creates a billed gateway instance: why this stack owns it
   * (at least 10 characters), e.g. `'Dedicated gateway for the orders team (FIN-123)'`.
   */
  readonly billedInstanceReason: string;
  /** Gateway name shown in the console. */
  readonly gatewayName: string;
  /** Instance specification, e.g. `apigw.small.x1`. */
  readonly spec: string;
  /** Billing. */
  readonly paymentType: ApigPaymentType;
  /** VPC the gateway runs in. */
  readonly vpcId: string;
  /** vSwitch the gateway runs in. */
  readonly vswitchId: string;
  /**
   * How the gateway is reached.
   * @default ApigNetworkAccess.INTRANET - no public endpoint unless asked for
   */
  readonly networkAccess?: ApigNetworkAccess;
}

const MIN_REASON = 10;
const GATEWAY_ID = /^gw-[A-Za-z0-9]+$/;
const ENVIRONMENT_ID = /^env-[A-Za-z0-9]+$/;

/**
 * Defines a cloud-native API Gateway instance (`alicloud_apig_gateway`), or references one.
 *
 * The usual case is a reference: `ApigGateway.fromGatewayAttributes(this, 'Gw', { gatewayId, environmentId })`
 * creates nothing. Instantiating the class creates a **billed** gateway instance and asks for
 * a reason; its environment is the first one the gateway reports (`environments[0]`).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/cloud-native-api-gateway/user-guide/configure-jwt-authentication
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/apig_gateway
 * @example
 * const gateway = ApigGateway.fromGatewayAttributes(stack, 'Gateway', {
 *   gatewayId: 'gw-cq7l5s5lhtgi6qasrdc0', environmentId: 'env-cq7l5s5lhtgi6qasrdc0',
 * });
 */
export class ApigGateway extends Construct implements IApigGateway {
  /**
   * References an existing gateway and environment by id; creates nothing.
   */
  public static fromGatewayAttributes(scope: Construct, id: string, attrs: ApigGatewayAttributes): IApigGateway {
    return new ImportedApigGateway(scope, id, attrs);
  }

  /** Gateway instance id (a reference to the created resource). */
  public readonly gatewayId: string;
  /** Environment id: the gateway's first environment. */
  public readonly environmentId: string;
  /** The L1 resource. */
  public readonly resource: ApigGatewayResource;

  public constructor(scope: Construct, id: string, props: ApigGatewayProps) {
    super(scope, id);
    if (typeof props.billedInstanceReason !== 'string' || props.billedInstanceReason.trim().length < MIN_REASON) {
      throw invalidProp(this, 'billedInstanceReason', `must say in at least ${MIN_REASON} characters why this stack creates a billed gateway instance`, props.billedInstanceReason,
        'Or reference an existing gateway with ApigGateway.fromGatewayAttributes(scope, id, { gatewayId, environmentId }).');
    }
    for (const prop of ['gatewayName', 'spec', 'vpcId', 'vswitchId'] as const) {
      if (typeof props[prop] !== 'string' || props[prop].trim() === '') throw invalidProp(this, prop, 'is required', props[prop]);
    }
    if (!Object.values(ApigPaymentType).includes(props.paymentType)) {
      throw invalidProp(this, 'paymentType', 'is not a payment type', props.paymentType, 'Use ApigPaymentType.PAY_AS_YOU_GO or SUBSCRIPTION.');
    }
    const networkAccess = props.networkAccess ?? ApigNetworkAccess.INTRANET;
    if (!Object.values(ApigNetworkAccess).includes(networkAccess)) {
      throw invalidProp(this, 'networkAccess', 'is not a network access type', networkAccess, 'Use ApigNetworkAccess.INTERNET, INTRANET or INTERNET_AND_INTRANET.');
    }
    this.resource = new LeanApigGateway(this, 'Resource', {
      gatewayName: props.gatewayName,
      spec: props.spec,
      paymentType: props.paymentType,
      vpc: { vpcId: props.vpcId },
      vswitch: { vswitchId: props.vswitchId },
      networkAccessConfig: { type: networkAccess },
      zoneConfig: { selectOption: 'Auto' },
    });
    this.gatewayId = this.resource.id;
    this.environmentId = this.resource.environments.get(0).environmentId;
  }
}

class ImportedApigGateway extends Construct implements IApigGateway {
  public readonly gatewayId: string;
  public readonly environmentId: string;

  public constructor(scope: Construct, id: string, attrs: ApigGatewayAttributes) {
    super(scope, id);
    checkId(this, 'gatewayId', attrs.gatewayId, GATEWAY_ID, 'gw-cq7l5s5lhtgi6qasrdc0', 'Instance page of the API Gateway console');
    checkId(this, 'environmentId', attrs.environmentId, ENVIRONMENT_ID, 'env-cq7l5s5lhtgi6qasrdc0', 'gateway > Environments');
    this.gatewayId = attrs.gatewayId;
    this.environmentId = attrs.environmentId;
  }
}

function checkId(scope: IConstruct, prop: string, value: string, pattern: RegExp, example: string, where: string): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalidProp(scope, prop, `must be an APIG id such as "${example}"`, value, `Copy it from the ${where}.`);
  }
}
