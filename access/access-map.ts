import type { AccessMap, AccessSystem, MermaidBuilder, StackAccess } from './model';
import type { SynthesizedApp } from './synth-output';
import { ACCESS_SYSTEMS } from './systems';

/** Builds the access map of a synthesized app with every known system. */
export function buildAccessMap(app: SynthesizedApp, systems: readonly AccessSystem<never>[] = ACCESS_SYSTEMS): AccessMap {
  const stacks: StackAccess[] = [];
  for (const stack of app.stacks) {
    const found: Record<string, unknown> = {};
    for (const system of systems) {
      const model = system.extract(stack);
      if (model !== undefined) found[system.id] = model;
    }
    if (Object.keys(found).length > 0) stacks.push({ stack: stack.name, systems: found });
  }
  return { version: 1, stacks };
}

/** Options for {@link renderAccessMapMarkdown}. */
export interface RenderOptions {
  /** Heading level of the title (`##` by default); stacks and systems go one and two levels below. */
  readonly headingLevel?: number;
  /** The systems to render. */
  readonly systems?: readonly AccessSystem<never>[];
}

/**
 * The access map as Markdown: one Mermaid flowchart (GitHub renders it), then per stack and
 * system a table with the details.
 */
export function renderAccessMapMarkdown(map: AccessMap, options: RenderOptions = {}): string {
  const systems = options.systems ?? ACCESS_SYSTEMS;
  const h = '#'.repeat(options.headingLevel ?? 2);
  const out = [`${h} Access map`, ''];
  if (map.stacks.length === 0) return [...out, 'No stack defines access (no gateway, RAM, APIG or OCI resources).', ''].join('\n');
  out.push('```mermaid', renderMermaid(map, systems), '```', '');
  for (const s of map.stacks) {
    out.push(`${h}# ${s.stack}`, '');
    for (const system of systems) {
      const model = s.systems[system.id];
      if (model === undefined) continue;
      out.push(`**${system.title}**`, '', system.markdown(model as never), '');
    }
  }
  return out.join('\n');
}

/** The Mermaid flowchart of the whole map: one subgraph per stack. */
export function renderMermaid(map: AccessMap, systems: readonly AccessSystem<never>[] = ACCESS_SYSTEMS): string {
  const shared: string[] = [];
  const body: string[] = [];
  const edges: string[] = [];
  const ids = new Map<string, string>();
  const id = (key: string): string => {
    let found = ids.get(key);
    if (!found) {
      found = `n${ids.size + 1}`;
      ids.set(key, found);
    }
    return found;
  };
  const builder: MermaidBuilder = {
    id,
    line: (text) => body.push(`    ${text}`),
    shared(key, shape) {
      const known = ids.has(key);
      const nodeId = id(key);
      if (!known) shared.push(`  ${nodeId}${shape}`);
      return nodeId;
    },
    edge: (text) => edges.push(`  ${text}`),
    label: escapeLabel,
  };
  for (const s of map.stacks) {
    body.push(`  subgraph ${id(`stack|${s.stack}`)}["${escapeLabel(`stack ${s.stack}`)}"]`);
    for (const system of systems) {
      const model = s.systems[system.id];
      if (model !== undefined) system.mermaid(model as never, builder, s.stack);
    }
    body.push('  end');
  }
  return ['flowchart LR', ...shared, ...body, ...edges].join('\n');
}

/**
 * Escapes text for a quoted Mermaid label: quotes and markup become entity codes (`#quot;`),
 * except the `<br/>` line breaks the renderers insert on purpose.
 */
function escapeLabel(text: string): string {
  return text
    .split('<br/>')
    .map((part) => part.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;'))
    .join('<br/>');
}
