import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { validateOcid } from './internal';

/** An OCI API Gateway (`oci_apigateway_gateway`), defined elsewhere and imported. */
export interface IOciApiGateway extends IConstruct {
  /** The gateway OCID (`oci_apigateway_gateway.id`), e.g. `ocid1.apigateway.oc1.eu-frankfurt-1.aaaa...`. */
  readonly gatewayId: string;
}

/**
 * References to OCI API Gateways.
 *
 * Only importing an existing gateway is supported: the gateway (subnet, endpoint type,
 * certificates) is network infrastructure usually owned by another stack, while this library
 * protects the deployments on it.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewaycreatinggateway.htm
 * @example
 * const gateway = OciApiGateway.fromGatewayId(stack, 'Gateway', 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaa...');
 */
export class OciApiGateway {
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

  private constructor() {}
}
