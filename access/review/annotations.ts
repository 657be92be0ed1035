/**
 * Suppressions and security findings between two versions, read from the annotations cdktf
 * records per stack in `manifest.json`: the security checks log each suppressed finding as an
 * info annotation `<rule>[<finding>]: suppressed: <reason>` and each warning as
 * `<rule>[<finding>]: <info> <explanation>`, and a suppression that covers no finding as the
 * warning `Unused suppression <rule>[...]: ... (reason given: "<reason>") ...`.
 */
import type { AccessChange } from '../model';
import type { StackAnnotation, SynthesizedStack } from '../synth-output';

const SUPPRESSED = /^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(\[.*?\])?: suppressed: ([\s\S]*)$/;
const FINDING = /^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(\[.*?\])?: ([\s\S]*)$/;
const UNUSED = /^Unused suppression ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(\[.*?\])?: [\s\S]*?\(reason given: ("(?:[^"\\]|\\.)*")\)/;

interface Entry {
  readonly key: string;
  readonly rule: string;
  readonly label: string;
  readonly path: string;
  readonly text: string;
}

function entries(annotations: readonly StackAnnotation[], level: StackAnnotation['level'], pattern: RegExp): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const a of annotations) {
    if (a.level !== level) continue;
    const m = pattern.exec(a.message);
    if (!m || (pattern === FINDING && SUPPRESSED.test(a.message))) continue;
    const label = `${m[1]}${m[2] ?? ''}`;
    const text = pattern === UNUSED ? `${JSON.parse(m[3]) as string} (unused: it covers no finding today)` : m[3];
    out.set(`${a.path}\u0000${label}`, { key: `${a.path}\u0000${label}`, rule: m[1], label, path: a.path, text });
  }
  return out;
}

/** Suppressions added or removed (with their reasons), and security warnings added or removed. */
export function annotationChanges(stack: string, base: SynthesizedStack | undefined, head: SynthesizedStack | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const b = base?.annotations ?? [];
  const h = head?.annotations ?? [];
  const compare = (before: Map<string, Entry>, after: Map<string, Entry>, category: 'suppression' | 'finding'): void => {
    for (const [key, e] of after) {
      const old = before.get(key);
      if (!old) {
        out.push({
          effect: 'widens', category, stack, subject: e.path,
          summary: category === 'suppression' ? `suppression of ${e.label} added, reason: ${e.text}` : `new security warning ${e.label}: ${e.text}`,
          details: { rule: e.rule, finding: e.label, reason: category === 'suppression' ? e.text : undefined, path: e.path },
        });
      } else if (category === 'suppression' && old.text !== e.text) {
        out.push({ effect: 'neutral', category, stack, subject: e.path, summary: `suppression of ${e.label}: reason changed from "${old.text}" to "${e.text}"`, details: { rule: e.rule, before: old.text, after: e.text } });
      }
    }
    for (const [key, e] of before) {
      if (after.has(key)) continue;
      out.push({
        effect: 'narrows', category, stack, subject: e.path,
        summary: category === 'suppression' ? `suppression of ${e.label} removed (was: ${e.text})` : `security warning ${e.label} resolved`,
        details: { rule: e.rule, finding: e.label, reason: category === 'suppression' ? e.text : undefined, path: e.path },
      });
    }
  };
  const suppressions = (list: readonly StackAnnotation[]) => new Map([...entries(list, 'info', SUPPRESSED), ...entries(list, 'warn', UNUSED)]);
  compare(suppressions(b), suppressions(h), 'suppression');
  compare(entries(b, 'warn', FINDING), entries(h, 'warn', FINDING), 'finding');
  return out;
}
