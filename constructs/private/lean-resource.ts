/**
 * Cheaper synthesis of the generated resources the constructs define (the output is unchanged).
 *
 * cdktf resolves every resource three times per synth (prepare, per element, the merged stack),
 * visiting every key and value. Two things make that cost more than it needs to:
 *
 * 1. The generated `synthesizeAttributes()` returns every attribute of the schema, mostly
 *    `undefined`; each such key still costs a resolve context and a key resolution per walk, and
 *    resolving then drops it (likewise the unset meta-arguments). {@link lean} returns a subclass
 *    that drops them first.
 * 2. A reference to another resource passed as a token (`group.id`) is a string that each walk
 *    must recognise, split, look up and resolve. {@link localValue} gives the same
 *    `${type.name.attribute}` text as a literal string when the token would resolve to exactly that
 *    (and {@link localDependency} the same for `depends_on`).
 * 3. For a block that holds no token, the first two walks are plain copies. The first
 *    (`TerraformStack.prepareStack`, "preparing") only lets tokens register what they need
 *    (cross-stack outputs, remote state) and its result is thrown away; the second resolves each
 *    element's block before the blocks are merged into the stack. {@link lean} resources skip both
 *    for such a block (see {@link BlockToken}); the third walk, over the merged stack, still
 *    resolves every value that is written.
 */
import { TerraformStack, Token, dependable } from 'cdktf';
import type { IResolvable, IResolveContext, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { MAY_HOLD_TOKENS, tokenFreeCopy } from './token-free';

/**
 * `value` without `undefined` members of plain objects, at any depth (through arrays too), as
 * cdktf's resolve would drop them. Anything that is not a plain object or an array (tokens and
 * other class instances, strings, numbers) is returned as it is and never looked into.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const pruned = withoutUndefined(item);
      if (pruned !== item) {
        copy ??= value.slice();
        copy[i] = pruned;
      }
    }
    return (copy ?? value) as T;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const key of Object.keys(source)) {
    const member = source[key];
    if (member === undefined) {
      changed = true;
      continue;
    }
    const pruned = withoutUndefined(member);
    if (pruned !== member) changed = true;
    out[key] = pruned;
  }
  return (changed ? out : value) as T;
}

/**
 * A resource's `toTerraform()` block, handed to cdktf as a token that resolves to the block.
 *
 * When the block holds no token, cdktf's walk over it would only copy it, dropping `undefined`
 * members. The token then skips that walk: one walk ({@link tokenFreeCopy}) both checks the block
 * and makes that copy. While preparing, it resolves to nothing, since that result is thrown away.
 * Otherwise it hands over the copy through a post-processor: cdktf applies it after resolving,
 * and deep-merges the result into the stack. A block with a token resolves to the block itself, which cdktf then
 * walks as usual. The check runs at each resolution, so it sees the block as it is then.
 *
 * Relies on public cdktf API only: an `IResolvable` may stand for any value,
 * `IResolveContext.preparing` tells the walks apart, and `registerPostProcessor` replaces a
 * token's resolved value.
 */
export class BlockToken implements IResolvable {
  public readonly creationStack: string[] = [];

  public constructor(public readonly block: unknown) {}

  public resolve(context: IResolveContext): unknown {
    // One walk checks the block and makes the copy without `undefined` members.
    const copy = tokenFreeCopy(this.block);
    if (copy === MAY_HOLD_TOKENS) return this.block;
    if (!context.preparing) context.registerPostProcessor({ postProcess: () => copy });
    return undefined;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern needs an any[] constructor
type ResourceClass = new (...args: any[]) => TerraformResource;

/**
 * A subclass of the generated resource class `Base` whose `synthesizeAttributes()`,
 * `terraformMetaArguments` and `//` metadata leave out `undefined` members (see
 * {@link withoutUndefined}), and whose `toTerraform()` returns its block as a
 * {@link BlockToken}. Everything else is `Base`'s (the instances are `Base`s, with the same
 * properties, escape hatches and static members). The synthesized JSON is the same: cdktf drops
 * `undefined` members when it resolves, and resolves the block token to the block.
 *
 * Module-level uses are marked pure (`const LeanX = /* @__PURE__ *\/ lean(X)`), so that bundlers
 * still leave out the bindings of constructs an app does not use.
 */
export function lean<C extends ResourceClass>(Base: C): C {
  // Named after Base (its `name`), for messages that print a resource's class.
  const Lean = {
    [Base.name]: class extends Base {
      protected synthesizeAttributes(): { [name: string]: unknown } {
        return withoutUndefined(super.synthesizeAttributes());
      }

      // Meta-arguments (depends_on, count, provider, lifecycle, for_each, connection), mostly unset:
      // cdktf snake-cases every key on each walk and then drops the undefined ones.
      public get terraformMetaArguments(): { [name: string]: unknown } {
        return withoutUndefined(super.terraformMetaArguments);
      }

      // The `//` metadata of the block: its `stackTrace` member is unset unless traces were asked for.
      protected get constructNodeMetadata(): { [key: string]: unknown } {
        return withoutUndefined(super.constructNodeMetadata);
      }

      // The block as a token that skips cdktf's copying walks when it holds no token (see BlockToken).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktf declares toTerraform(): any
      public toTerraform(): any {
        return new BlockToken(super.toTerraform());
      }
    },
  }[Base.name];
  return Lean;
}

interface ExposedReference {
  readonly resource: TerraformResource;
  readonly attribute: string;
  /** The literal, once computed: one string shared by every resource that references it. */
  literal?: string;
}

/** Reference tokens exposed by the constructs, per stack of the referenced resource. */
const EXPOSED = new WeakMap<TerraformStack, Map<string, ExposedReference>>();

/**
 * `resource`'s `attribute` as a reference token (what the generated getter, e.g. `resource.id`,
 * returns: `getStringAttribute(attribute)`), recorded so that {@link localValue} can write it as a
 * literal into resources of the same stack.
 * @example this.groupId = exposeReference(this.resource, 'id');
 */
export function exposeReference(resource: TerraformResource, attribute: string): string {
  const token = resource.getStringAttribute(attribute);
  const stack = TerraformStack.of(resource);
  let exposed = EXPOSED.get(stack);
  if (!exposed) {
    exposed = new Map();
    EXPOSED.set(stack, exposed);
  }
  exposed.set(token, { resource, attribute });
  return token;
}

/**
 * The value to write into a resource defined under `scope` for `value`: when `value` is a token
 * recorded with {@link exposeReference} for a resource of the same stack, the literal
 * `${<type>.<logical id>.<attribute>}` it resolves to; otherwise `value` itself.
 *
 * Within one stack such a token resolves to exactly that text, its logical id fixed when the token
 * was created (cdktf computes a resource's logical id once, on first use, and keeps it: a later
 * `overrideLogicalId` changes neither the address nor the references). Across stacks (cdktf then
 * wires a remote-state output) and for a resource with `for_each`, the token is kept.
 */
export function localValue(scope: IConstruct, value: string): string {
  const exposed = EXPOSED.get(TerraformStack.of(scope))?.get(value);
  if (!exposed || exposed.resource.forEach !== undefined) return value;
  // The logical id is fixed once read (see above), so the literal can be computed once.
  exposed.literal ??= `\${${addressOf(exposed.resource)}.${exposed.attribute}}`;
  return exposed.literal;
}

/**
 * The `depends_on` entry for `target` from a resource defined under `scope`: its address
 * `<type>.<logical id>` (what `dependable(target)` resolves to), or `dependable(target)` across stacks.
 */
export function localDependency(scope: IConstruct, target: TerraformResource): string {
  if (TerraformStack.of(scope) !== TerraformStack.of(target)) return dependable(target);
  return addressOf(target);
}

/** `<type>.<logical id>` of resources written as literals, computed once per resource. */
const ADDRESSES = new WeakMap<TerraformResource, string>();

/**
 * The Terraform address `<type>.<logical id>` of `resource`: the one spelling of it that
 * {@link localValue} and {@link localDependency} write (the logical id is fixed once read).
 */
function addressOf(resource: TerraformResource): string {
  let address = ADDRESSES.get(resource);
  if (address === undefined) {
    address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
    ADDRESSES.set(resource, address);
  }
  return address;
}
