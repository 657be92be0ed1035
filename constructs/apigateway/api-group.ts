import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApiGatewayGroup } from '../../.gen/providers/alicloud/api-gateway-group';
import { invalidProp } from '../private/errors';
import { exposeReference, lean } from '../private/lean-resource';
import { physicalName, validatePhysicalName } from './internal';
import { InstanceType } from './plugin';

const LeanApiGatewayGroup = /* @__PURE__ */ lean(ApiGatewayGroup);

/** An API group, defined here or imported. */
export interface IApiGroup extends IConstruct {
  /** The group id (`alicloud_api_gateway_group.id`). */
  readonly groupId: string;
  /** The kind of instance the group runs on; plugin limits depend on it. */
  readonly instanceType: InstanceType;
}

/** Properties for {@link ApiGroup}. */
export interface ApiGroupProps {
  /**
   * Name of the group: 4 to 50 letters, digits, underscores or CJK characters.
   * @default - derived from the construct path
   */
  readonly groupName?: string;
  /**
   * Description of the group.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Id of the API Gateway instance the group runs on, e.g. a dedicated instance
   * `apigateway-cn-...`. Changing it replaces the group.
   * @default - the region's shared instance
   */
  readonly instanceId?: string;
  /**
   * Kind of instance the group runs on. Plugins bound to the group's APIs are checked against
   * the limits of this instance type (16 parameters / rules effective on shared instances,
   * 160 on dedicated ones).
   * @default InstanceType.SHARED
   */
  readonly instanceType?: InstanceType;
}

/** Attributes of an existing group, for {@link ApiGroup.fromGroupAttributes}. */
export interface ApiGroupAttributes {
  /** The group id. */
  readonly groupId: string;
  /**
   * Kind of instance the group runs on.
   * @default InstanceType.SHARED
   */
  readonly instanceType?: InstanceType;
}

/**
 * Defines an API Gateway (classic) API group: the unit that owns a second-level domain,
 * APIs and group-wide plugin bindings.
 *
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/api_gateway_group
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 * @example
 * const group = new ApiGroup(stack, 'Group', { description: 'M2M protected APIs' });
 */
export class ApiGroup extends Construct implements IApiGroup {
  /** Imports an existing group by id. */
  public static fromGroupAttributes(scope: Construct, id: string, attrs: ApiGroupAttributes): IApiGroup {
    class Imported extends Construct implements IApiGroup {
      public readonly groupId = attrs.groupId;
      public readonly instanceType = attrs.instanceType ?? InstanceType.SHARED;
    }
    const imported = new Imported(scope, id);
    if (!Token.isUnresolved(attrs.groupId) && (typeof attrs.groupId !== 'string' || attrs.groupId.trim() === '')) {
      throw invalidProp(imported, 'groupId', 'must be a non-empty group id', attrs.groupId);
    }
    return imported;
  }

  /** The underlying `alicloud_api_gateway_group` (escape hatch). */
  public readonly resource: ApiGatewayGroup;
  /** The group id. */
  public readonly groupId: string;
  /** The group name. */
  public readonly groupName: string;
  /** Second-level domain assigned to the group (known after apply). */
  public readonly subDomain: string;
  /** Kind of instance the group runs on. */
  public readonly instanceType: InstanceType;

  public constructor(scope: Construct, id: string, props: ApiGroupProps = {}) {
    super(scope, id);
    validatePhysicalName(this, 'groupName', props.groupName);
    if (props.instanceType !== undefined && !Object.values(InstanceType).includes(props.instanceType)) {
      throw invalidProp(this, 'instanceType', 'is not an instance type', props.instanceType, 'Use InstanceType.SHARED or InstanceType.DEDICATED.');
    }
    this.groupName = props.groupName ?? physicalName(this);
    this.instanceType = props.instanceType ?? InstanceType.SHARED;
    this.resource = new LeanApiGatewayGroup(this, 'Resource', {
      name: this.groupName,
      description: props.description,
      instanceId: props.instanceId,
    });
    this.groupId = exposeReference(this.resource, 'id');
    this.subDomain = this.resource.subDomain;
  }
}
