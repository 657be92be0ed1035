import type { SecurityRule } from '../rule';

/** Rules for API Gateway APIs, plugins and bindings (ids `APIGW-*`). */
export const APIGATEWAY_RULES: readonly SecurityRule[] = [];
