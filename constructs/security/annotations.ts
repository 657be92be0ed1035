import { AnnotationMetadataEntryType } from 'cdktf';
import type { IConstruct } from 'constructs';

/** One annotation on a construct. */
export interface ConstructAnnotation {
  /** Construct path, e.g. `gateway-dev/Protection/Jwt/Resource`. */
  readonly path: string;
  /** The message, e.g. `APIGW-JWT2: ...`. */
  readonly message: string;
}

/** Annotations found under a scope, by level. */
export interface AnnotationsByLevel {
  readonly errors: ConstructAnnotation[];
  readonly warnings: ConstructAnnotation[];
  readonly infos: ConstructAnnotation[];
}

/**
 * Every annotation under `scope` (security findings, suppressions, cdktf's own), by level.
 * Run a synth first: aspects such as {@link SecurityChecks} annotate during synth.
 */
export function annotationsByLevel(scope: IConstruct): AnnotationsByLevel {
  const out: AnnotationsByLevel = { errors: [], warnings: [], infos: [] };
  for (const node of scope.node.findAll()) {
    for (const m of node.node.metadata) {
      const entry = { path: node.node.path, message: String(m.data) };
      if (m.type === AnnotationMetadataEntryType.ERROR) out.errors.push(entry);
      else if (m.type === AnnotationMetadataEntryType.WARN) out.warnings.push(entry);
      else if (m.type === AnnotationMetadataEntryType.INFO) out.infos.push(entry);
    }
  }
  return out;
}
