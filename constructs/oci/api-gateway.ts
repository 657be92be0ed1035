import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApigatewayGateway } from '../../.gen/providers/oci/apigateway-gateway';
import { invalidProp } from '../private/errors';
import { validateOcid } from './internal';
import { lean } from '../private/lean-resource';

const LeanApigatewayGateway = /* @__PURE__ */ lean(ApigatewayGateway);

/** An OCI API Gateway (`oci_apigateway_gateway`), defined in this stack or imported. */
export interface IOciApiGateway extends IConstruct {
  /** The gateway OCID (`oci_apigateway_gateway.id`), e.g. `ocid1.apigateway.oc1.eu-frankfurt-1.aaaa...`. */
  readonly gatewayId: string;
}

/** Whether the gateway has a public IP address or only a private one in its subnet. */
export enum OciGatewayEndpointType {
  /** Reachable from the internet (through the subnet's internet gateway). */
  PUBLIC = 'PUBLIC',
  /** Reachable only from inside the VCN (and peered networks). */
  PRIVATE = 'PRIVATE',
}

/** Properties for {@link OciApiGateway}. */
export interface OciApiGatewayProps {
  /** OCID of the compartment the gateway is created in. */
  readonly compartmentId: string;
  /** OCID of the subnet the gateway is placed in. Changing it replaces the gateway. */
  readonly subnetId: string;
  /**
   * Public or private endpoint. Changing it replaces the gateway.
   * @default OciGatewayEndpointType.PRIVATE - the narrower exposure; choose PUBLIC deliberately
   */
  readonly endpointType?: OciGatewayEndpointType;
  /**
   * Display name of the gateway.
   * @default - the construct path
   */
  readonly displayName?: string;
  /**
   * OCID of a certificate (Certificates service) for a custom TLS host name.
   * @default - the gateway's default `*.apigateway.<region>.oci.customer-oci.com` certificate
   */
  readonly certificateId?: string;
  /**
   * OCIDs of network security groups applied to the gateway.
   * @default - none (the subnet's security lists apply)
   */
  readonly networkSecurityGroupIds?: readonly string[];
}

/**
 * Defines an OCI API Gateway (`oci_apigateway_gateway`), or imports one with
 * {@link OciApiGateway.fromGatewayId}.
 *
 * A gateway is network infrastructure (subnet, endpoint type, certificate); the deployments on
 * it ({@link OciJwtApiDeployment}) carry the authentication and authorization. Defaults to a
 * private endpoint.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewaycreatinggateway.htm
 * @see https://registry.terraform.io/providers/oracle/oci/8.28.0/docs/resources/apigateway_gateway
 * @example
 * const gateway = new OciApiGateway(stack, 'Gateway', {
 *   compartmentId: 'ocid1.compartment.oc1..aaaa...',
 *   subnetId: 'ocid1.subnet.oc1.eu-frankfurt-1.aaaa...',
 *   endpointType: OciGatewayEndpointType.PUBLIC,
 * });
 * // or: OciApiGateway.fromGatewayId(stack, 'Gateway', 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaa...')
 */
export class OciApiGateway extends Construct implements IOciApiGateway {
  /**
   * Imports an existing gateway by OCID. A token (e.g. `gateway.id` of an L1 in another stack) is accepted.
   */
  public static fromGatewayId(scope: Construct, id: string, gatewayId: string): IOciApiGateway {
    class Imported extends Construct implements IOciApiGateway {
      public readonly gatewayId = gatewayId;
    }
    const imported = new Imported(scope, id);
    validateOcid(imported, 'gatewayId', gatewayId, ['apigateway']);
    return imported;
  }

  /** The underlying `oci_apigateway_gateway` (escape hatch). */
  public readonly resource: ApigatewayGateway;
  /** The gateway OCID (known after apply). */
  public readonly gatewayId: string;
  /** Host name callers use, e.g. `abc.apigateway.eu-frankfurt-1.oci.customer-oci.com` (known after apply). */
  public readonly hostname: string;

  public constructor(scope: Construct, id: string, props: OciApiGatewayProps) {
    super(scope, id);
    validateOcid(this, 'compartmentId', props.compartmentId, ['compartment', 'tenancy']);
    validateOcid(this, 'subnetId', props.subnetId, ['subnet']);
    const endpointType = props.endpointType ?? OciGatewayEndpointType.PRIVATE;
    if (!Token.isUnresolved(endpointType) && !Object.values(OciGatewayEndpointType).includes(endpointType)) {
      throw invalidProp(this, 'endpointType', 'must be PUBLIC or PRIVATE', endpointType, 'Use OciGatewayEndpointType.PUBLIC or OciGatewayEndpointType.PRIVATE.');
    }
    if (props.certificateId !== undefined) validateOcid(this, 'certificateId', props.certificateId, ['certificate']);
    (props.networkSecurityGroupIds ?? []).forEach((nsg, i) => validateOcid(this, `networkSecurityGroupIds[${i}]`, nsg, ['networksecuritygroup']));
    this.resource = new LeanApigatewayGateway(this, 'Resource', {
      compartmentId: props.compartmentId,
      subnetId: props.subnetId,
      endpointType,
      displayName: props.displayName ?? this.node.path,
      certificateId: props.certificateId,
      networkSecurityGroupIds: props.networkSecurityGroupIds ? [...props.networkSecurityGroupIds] : undefined,
    });
    this.gatewayId = this.resource.id;
    this.hostname = this.resource.hostname;
  }
}
