import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AnnotationTable, type CompiledBlock, compileBlock, type RawBlock } from './compiled-schema';

/** Provider source of Alibaba Cloud, as keyed in the schema JSON. */
export const ALICLOUD_PROVIDER_SOURCE = 'registry.terraform.io/aliyun/alicloud';
/** Provider source of Oracle Cloud Infrastructure, as keyed in the schema JSON. */
export const OCI_PROVIDER_SOURCE = 'registry.terraform.io/oracle/oci';

const DEFAULT_REGISTRY_HOST = 'registry.terraform.io';

/**
 * Normalizes a provider source address the way Terraform does:
 * `aliyun/alicloud` → `registry.terraform.io/aliyun/alicloud`, `alicloud` → `registry.terraform.io/hashicorp/alicloud`.
 * Comparison is case-insensitive, so the result is lower case.
 */
export function normalizeProviderSource(source: string): string {
  const parts = source.trim().toLowerCase().split('/');
  if (parts.length === 1) return `${DEFAULT_REGISTRY_HOST}/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `${DEFAULT_REGISTRY_HOST}/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

interface RawProviderSchema {
  readonly provider?: { readonly block: RawBlock };
  readonly resource_schemas?: Readonly<Record<string, { readonly block: RawBlock }>>;
  readonly data_source_schemas?: Readonly<Record<string, { readonly block: RawBlock }>>;
}

interface RawSchemaFile {
  readonly format_version?: string;
  readonly provider_schemas?: Readonly<Record<string, RawProviderSchema>>;
}

/**
 * The pinned schema of one provider version, compiled lazily per resource type and cached.
 */
export class ProviderSchema {
  private readonly resources = new Map<string, CompiledBlock | null>();
  private readonly dataSources = new Map<string, CompiledBlock | null>();
  private providerBlock?: CompiledBlock;

  /**
   * @param source normalized provider source (`registry.terraform.io/aliyun/alicloud`)
   * @param version provider version the schema was exported from (`1.292.0`)
   * @param raw the provider's entry in `provider_schemas`
   * @param annotations the parsed `*.annotations.json` (`"resource/<type>"` → table)
   */
  public constructor(
    public readonly source: string,
    public readonly version: string,
    private readonly raw: RawProviderSchema,
    private readonly annotations: Readonly<Record<string, AnnotationTable>>,
  ) {}

  /** The provider configuration block. */
  public provider(): CompiledBlock {
    this.providerBlock ??= compileBlock(this.raw.provider?.block ?? {}, this.annotations['provider/provider'] ?? {}, 'provider');
    return this.providerBlock;
  }

  /** A resource type's schema, or `undefined` when the provider does not define the type. */
  public resource(type: string): CompiledBlock | undefined {
    return this.lookup(this.resources, this.raw.resource_schemas, 'resource', type);
  }

  /** A data source type's schema, or `undefined` when the provider does not define the type. */
  public dataSource(type: string): CompiledBlock | undefined {
    return this.lookup(this.dataSources, this.raw.data_source_schemas, 'data', type);
  }

  /**
   * Attribute paths of a resource type whose change replaces the resource (`ForceNew` in the
   * provider), relative to the resource, e.g. `['group_id']` or `['vpc', 'vpc.vpc_id']`.
   */
  public forceNewAttributes(type: string): string[] {
    const table = this.annotations[`resource/${type}`] ?? {};
    return Object.entries(table).filter(([, a]) => a.force_new === true).map(([key]) => key.slice(type.length + 1)).sort();
  }

  /** Names of all resource types, sorted (for suggestions). */
  public resourceTypes(): string[] {
    return Object.keys(this.raw.resource_schemas ?? {}).sort();
  }

  /** Names of all data source types, sorted (for suggestions). */
  public dataSourceTypes(): string[] {
    return Object.keys(this.raw.data_source_schemas ?? {}).sort();
  }

  private lookup(
    cache: Map<string, CompiledBlock | null>,
    schemas: RawProviderSchema['resource_schemas'],
    kind: 'resource' | 'data',
    type: string,
  ): CompiledBlock | undefined {
    let compiled = cache.get(type);
    if (compiled === undefined) {
      const raw = schemas && Object.prototype.hasOwnProperty.call(schemas, type) ? schemas[type] : undefined;
      compiled = raw ? compileBlock(raw.block, this.annotations[`${kind}/${type}`] ?? {}, type) : null;
      cache.set(type, compiled);
    }
    return compiled ?? undefined;
  }
}

interface SchemaFileEntry {
  readonly name: string;
  readonly version: string;
  readonly schemaPath: string;
  readonly annotationsPath: string;
}

const SCHEMA_FILE = /^(.+)-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\.schema\.json$/;

/** Options for {@link SchemaRegistry}. */
export interface SchemaRegistryOptions {
  /**
   * Directory holding `<name>-<version>.schema.json` and `<name>-<version>.annotations.json` pairs.
   * @default - the `provider-schemas` directory of this project (found upwards from this file)
   */
  readonly schemaDir?: string;
}

/**
 * Loads pinned provider schemas on first use and keeps them for the life of the process.
 *
 * Files are matched to a provider source by name (`alicloud-1.292.0.schema.json` serves
 * `*\/alicloud`) and then verified against the source keys inside the file, so each file is
 * read and parsed at most once, and only when a stack uses that provider.
 */
export class SchemaRegistry {
  private static shared?: SchemaRegistry;

  /** The process-wide registry over this project's `provider-schemas/`. */
  public static default(): SchemaRegistry {
    SchemaRegistry.shared ??= new SchemaRegistry();
    return SchemaRegistry.shared;
  }

  private readonly schemaDir: string;
  private files?: SchemaFileEntry[];
  private readonly loadedFiles = new Map<string, Map<string, ProviderSchema>>();
  private readonly bySource = new Map<string, ProviderSchema[]>();

  public constructor(options: SchemaRegistryOptions = {}) {
    this.schemaDir = options.schemaDir ?? findSchemaDir();
  }

  /**
   * The schema for a provider source, or `undefined` when none is pinned.
   *
   * @param source provider source in any form Terraform accepts (`aliyun/alicloud`)
   * @param version preferred version (an exact `x.y.z`); when several versions are pinned and none
   *   matches, the highest is returned
   */
  public get(source: string, version?: string): ProviderSchema | undefined {
    const normalized = normalizeProviderSource(source);
    let candidates = this.bySource.get(normalized);
    if (!candidates) {
      const name = normalized.slice(normalized.lastIndexOf('/') + 1);
      candidates = [];
      for (const file of this.listFiles()) {
        if (file.name.toLowerCase() !== name) continue;
        const schema = this.loadFile(file).get(normalized);
        if (schema) candidates.push(schema);
      }
      candidates.sort((a, b) => compareVersions(b.version, a.version));
      this.bySource.set(normalized, candidates);
    }
    return candidates.find((c) => c.version === version) ?? candidates[0];
  }

  private listFiles(): SchemaFileEntry[] {
    if (!this.files) {
      const names = fs.existsSync(this.schemaDir) ? fs.readdirSync(this.schemaDir) : [];
      this.files = [];
      for (const fileName of names) {
        const m = SCHEMA_FILE.exec(fileName);
        if (!m) continue;
        this.files.push({
          name: m[1],
          version: m[2],
          schemaPath: path.join(this.schemaDir, fileName),
          annotationsPath: path.join(this.schemaDir, `${m[1]}-${m[2]}.annotations.json`),
        });
      }
    }
    return this.files;
  }

  private loadFile(file: SchemaFileEntry): Map<string, ProviderSchema> {
    let schemas = this.loadedFiles.get(file.schemaPath);
    if (!schemas) {
      const raw = JSON.parse(fs.readFileSync(file.schemaPath, 'utf8')) as RawSchemaFile;
      const annotations = fs.existsSync(file.annotationsPath)
        ? (JSON.parse(fs.readFileSync(file.annotationsPath, 'utf8')) as Record<string, AnnotationTable>)
        : {};
      schemas = new Map();
      for (const [source, providerSchema] of Object.entries(raw.provider_schemas ?? {})) {
        const normalized = normalizeProviderSource(source);
        schemas.set(normalized, new ProviderSchema(normalized, file.version, providerSchema, annotations));
      }
      this.loadedFiles.set(file.schemaPath, schemas);
    }
    return schemas;
  }
}

function findSchemaDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'provider-schemas');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.join(__dirname, '..', 'provider-schemas');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
