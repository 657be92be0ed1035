/**
 * The effective access model of a synthesized app: who can call or assume what, per stack and
 * per system (classic API Gateway, RAM OIDC federation, cloud-native APIG, OCI API Gateway).
 *
 * Each system has one {@link AccessSystem} that extracts its part of a stack, renders it and
 * compares two versions of it, so a new system plugs in by adding one module to the list in
 * `systems/index.ts`.
 */
import type { SynthesizedStack } from './synth-output';

/** How a change moves access: more callers/permissions (`widens`), fewer (`narrows`), neither. */
export type Effect = 'widens' | 'narrows' | 'neutral';

/** What kind of change a review line is about. */
export type ChangeCategory =
  | 'access' | 'stage' | 'plugin' | 'trust' | 'permission' | 'key' | 'suppression' | 'finding' | 'replacement' | 'other';

/** One security-relevant difference between two versions of an app. */
export interface AccessChange {
  /** Widens, narrows or neutral. */
  readonly effect: Effect;
  /** Kind of change. */
  readonly category: ChangeCategory;
  /** Stack it concerns (empty for the lock file). */
  readonly stack: string;
  /** What it is about, e.g. `API hello (GET /hello) on TEST`. */
  readonly subject: string;
  /** One sentence, e.g. `client app_x can now call it (scopes user:read:one)`. */
  readonly summary: string;
  /** Structured facts (client, api, stage, before, after, ...), for `--json` readers. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A Mermaid flowchart being built: node ids are allocated here so systems never collide. */
export interface MermaidBuilder {
  /** A node id for `key` (the same key always gets the same id). */
  id(key: string): string;
  /** Adds a node or nested subgraph line inside the current stack's subgraph. */
  line(text: string): void;
  /**
   * Declares a node shared by stacks (a client, an issuer) once, outside every stack subgraph,
   * and returns its id. `shape` is the node text after the id, e.g. `(["client x"])`.
   */
  shared(key: string, shape: string): string;
  /** Adds an edge; edges are written after every subgraph so nodes stay where they were declared. */
  edge(text: string): void;
  /** Escapes a label for use inside `["..."]`. */
  label(text: string): string;
}

/**
 * One system's extractor, renderer and differ.
 *
 * @typeParam T the JSON-serializable model of the system in one stack
 */
export interface AccessSystem<T> {
  /** Key in the JSON map, e.g. `apigateway`. */
  readonly id: string;
  /** Heading, e.g. `API Gateway (classic)`. */
  readonly title: string;
  /** The system's part of a stack, or `undefined` when the stack has none of it. */
  extract(stack: SynthesizedStack): T | undefined;
  /** Markdown (tables, notes) for one stack's model. */
  markdown(model: T): string;
  /** Adds the stack's model to the diagram (inside the stack's subgraph). */
  mermaid(model: T, diagram: MermaidBuilder, stack: string): void;
  /** Security-relevant changes from `base` to `head` (either may be absent). */
  diff(stack: string, base: T | undefined, head: T | undefined): AccessChange[];
}

/** The access model of one stack: system id → that system's model. */
export interface StackAccess {
  /** Stack name. */
  readonly stack: string;
  /** Models by system id (only systems present in the stack). */
  readonly systems: Readonly<Record<string, unknown>>;
}

/** The access map of an app (the `--json` output of `npm run access-map`). */
export interface AccessMap {
  /** Format version of this JSON. */
  readonly version: 1;
  /** One entry per stack that has anything access-related, sorted by name. */
  readonly stacks: readonly StackAccess[];
}
