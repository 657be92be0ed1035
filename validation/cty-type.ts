import { isExpression, parseBoolString, parseNumberString } from '../core/expressions';

/** Primitive cty types, plus `dynamic` (any value). */
export type CtyPrimitiveKind = 'string' | 'number' | 'bool' | 'dynamic';

/**
 * A parsed cty type, as written in `terraform providers schema -json`
 * (`"string"`, `["list","string"]`, `["object",{"a":"string"},["a"]]`, ...).
 */
export type CtyType =
  | { readonly kind: CtyPrimitiveKind }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: CtyType }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, CtyType>; readonly optional: ReadonlySet<string> }
  | { readonly kind: 'tuple'; readonly elements: readonly CtyType[] };

const PRIMITIVES: Record<string, CtyType> = {
  string: { kind: 'string' },
  number: { kind: 'number' },
  bool: { kind: 'bool' },
  dynamic: { kind: 'dynamic' },
};

/**
 * Parses the cty type JSON of a schema attribute.
 *
 * @throws when the JSON is not a cty type (the schema file is corrupt).
 */
export function parseCtyType(json: unknown): CtyType {
  if (typeof json === 'string') {
    const primitive = PRIMITIVES[json];
    if (primitive) return primitive;
  } else if (Array.isArray(json)) {
    const [kind, arg, optional] = json as [unknown, unknown, unknown];
    if (kind === 'list' || kind === 'set' || kind === 'map') return { kind, element: parseCtyType(arg) };
    if (kind === 'object' && isPlainObject(arg)) {
      const attributes = new Map<string, CtyType>();
      for (const [name, t] of Object.entries(arg)) attributes.set(name, parseCtyType(t));
      const optionalNames = Array.isArray(optional) ? optional.filter((n): n is string => typeof n === 'string') : [];
      return { kind: 'object', attributes, optional: new Set(optionalNames) };
    }
    if (kind === 'tuple' && Array.isArray(arg)) return { kind: 'tuple', elements: arg.map(parseCtyType) };
  }
  throw new Error(`Unsupported cty type in provider schema: ${JSON.stringify(json)}`);
}

/** Renders a cty type in Terraform's type-constraint syntax: `list(object({name=string}))`. */
export function describeCtyType(type: CtyType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${describeCtyType(type.element)})`;
    case 'object': {
      const fields = [...type.attributes].map(([n, t]) => `${n}=${type.optional.has(n) ? `optional(${describeCtyType(t)})` : describeCtyType(t)}`);
      return `object({${fields.join(',')}})`;
    }
    case 'tuple':
      return `tuple([${type.elements.map(describeCtyType).join(',')}])`;
    default:
      return type.kind;
  }
}

/** Receives the conversion errors found by {@link checkConversion}. */
export interface ConversionSink {
  /**
   * Reports a value at `path` that cannot be converted.
   * @param path attribute path of the offending value
   * @param value the offending value
   * @param expected what the type requires
   * @param problem what is wrong
   */
  mismatch(path: string, value: unknown, expected: string, problem: string): void;
}

/** Whether a value is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that Terraform can convert a JSON value to `type`, following go-cty's conversion rules:
 *
 * - `null` is always accepted (an unset value; required-ness is checked by the caller).
 * - Any string containing `${...}` / `%{...}` is an expression, unknown until apply: accepted for every type,
 *   including a whole collection or object.
 * - `string` accepts strings, numbers and bools (Terraform converts numbers and bools to strings).
 * - `number` accepts numbers and strings that parse as a decimal number (`"3600"`, `"1.5e3"`), nothing else.
 * - `bool` accepts bools and the strings `"true"`, `"false"`, `"1"`, `"0"`; numbers are rejected.
 * - `list`/`set`/`tuple` need a JSON array, `map`/`object` a JSON object; elements are checked recursively.
 *   Objects must not have attributes their type does not declare and must set every non-optional one.
 *
 * @returns nothing; every problem goes to `sink` with its path
 */
export function checkConversion(value: unknown, type: CtyType, path: string, sink: ConversionSink): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string' && isExpression(value)) return;
  switch (type.kind) {
    case 'dynamic':
      return;
    case 'string':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return;
      sink.mismatch(path, value, 'string', 'has the wrong type');
      return;
    case 'number':
      if (typeof value === 'number') return;
      if (typeof value === 'string') {
        if (parseNumberString(value) === undefined) sink.mismatch(path, value, 'number (a string must parse as a number)', 'is not a number');
        return;
      }
      sink.mismatch(path, value, 'number', 'has the wrong type');
      return;
    case 'bool':
      if (typeof value === 'boolean') return;
      if (typeof value === 'string') {
        if (parseBoolString(value) === undefined) {
          const hint = value.toLowerCase() === 'true' || value.toLowerCase() === 'false' ? ` (use lowercase "${value.toLowerCase()}")` : '';
          sink.mismatch(path, value, `bool${hint}`, 'is not a bool');
        }
        return;
      }
      sink.mismatch(path, value, 'bool', 'has the wrong type');
      return;
    case 'list':
    case 'set':
      if (!Array.isArray(value)) {
        sink.mismatch(path, value, describeCtyType(type), `has the wrong type (a ${type.kind} needs a JSON array)`);
        return;
      }
      for (let i = 0; i < value.length; i++) checkConversion(value[i], type.element, `${path}[${i}]`, sink);
      return;
    case 'tuple':
      if (!Array.isArray(value) || value.length !== type.elements.length) {
        sink.mismatch(path, value, describeCtyType(type), 'has the wrong type');
        return;
      }
      for (let i = 0; i < value.length; i++) checkConversion(value[i], type.elements[i], `${path}[${i}]`, sink);
      return;
    case 'map':
      if (!isPlainObject(value)) {
        sink.mismatch(path, value, describeCtyType(type), 'has the wrong type (a map needs a JSON object)');
        return;
      }
      for (const key of Object.keys(value)) checkConversion(value[key], type.element, `${path}[${JSON.stringify(key)}]`, sink);
      return;
    case 'object':
      if (!isPlainObject(value)) {
        sink.mismatch(path, value, describeCtyType(type), 'has the wrong type (an object needs a JSON object)');
        return;
      }
      for (const key of Object.keys(value)) {
        const attributeType = type.attributes.get(key);
        if (attributeType) checkConversion(value[key], attributeType, `${path}.${key}`, sink);
        else sink.mismatch(`${path}.${key}`, value[key], `one of the object attributes ${[...type.attributes.keys()].join(', ')}`, 'is not an attribute of this object type');
      }
      for (const name of type.attributes.keys()) {
        if (!(name in value) && !type.optional.has(name)) sink.mismatch(`${path}.${name}`, undefined, describeCtyType(type.attributes.get(name) as CtyType), 'is required by the object type');
      }
      return;
  }
}
