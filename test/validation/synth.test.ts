import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Lazy, Tokenization } from 'cdktf';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FindingCode, SchemaValidationError, synthAndValidate } from '../../validation';
import { gatewayApi, pluginAttachment, policyDocument, providerStack, ramRole } from './util';

let sandbox: string;
let outdir: string;

beforeEach(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-validate-'));
  outdir = path.join(sandbox, 'cdktf.out');
});

afterEach(() => {
  fs.rmSync(sandbox, { recursive: true, force: true });
});

/** Writes a previous synth result, with Terraform working files, that must survive failed runs. */
function previousOutput(): void {
  fs.mkdirSync(path.join(outdir, 'stacks', 'old'), { recursive: true });
  fs.mkdirSync(path.join(outdir, 'stacks', 'platform-dev', '.terraform', 'providers'), { recursive: true });
  fs.writeFileSync(path.join(outdir, 'manifest.json'), '{"previous":true}');
  fs.writeFileSync(path.join(outdir, 'stacks', 'old', 'cdk.tf.json'), '{}');
  fs.writeFileSync(path.join(outdir, 'stacks', 'platform-dev', 'cdk.tf.json'), '{"previous":true}');
  fs.writeFileSync(path.join(outdir, 'stacks', 'platform-dev', '.terraform.lock.hcl'), '# lock');
  fs.writeFileSync(path.join(outdir, 'stacks', 'platform-dev', '.terraform', 'providers', 'marker'), 'plugin');
}

/** Every file below `dir`, relative, with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

/** A two-stack app; `breakIt` introduces schema findings in the named stack. */
function appFactory(breakIt?: 'dev' | 'both') {
  return (dir: string): App => {
    const app = new App({ outdir: dir });
    for (const name of ['platform-dev', 'platform-prod']) {
      const { stack } = providerStack(name, app);
      ramRole(stack);
      gatewayApi(stack);
      policyDocument(stack);
      const attachment = pluginAttachment(stack);
      if (breakIt === 'both' || (breakIt === 'dev' && name === 'platform-dev')) attachment.addOverride('stage_name', 'PROD');
    }
    return app;
  };
}

describe('synthAndValidate', () => {
  test('replaces the previous output, keeping Terraform working files, and returns per-stack counts when every stack is valid', () => {
    // GIVEN
    previousOutput();
    // WHEN
    const summary = synthAndValidate(appFactory(), { outdir });
    // THEN
    expect(summary.outdir).toBe(outdir);
    expect(summary.stacks).toEqual([
      { stack: 'platform-dev', resources: 3, dataSources: 1, providers: 2, notValidated: [] },
      { stack: 'platform-prod', resources: 3, dataSources: 1, providers: 2, notValidated: [] },
    ]);
    const files = snapshot(outdir);
    expect(Object.keys(files).sort()).toEqual([
      'manifest.json',
      'stacks/platform-dev/.terraform.lock.hcl',
      'stacks/platform-dev/.terraform/providers/marker',
      'stacks/platform-dev/cdk.tf.json',
      'stacks/platform-prod/cdk.tf.json',
    ]);
    expect(files['stacks/platform-dev/cdk.tf.json']).toContain('alicloud_ram_role');
    expect(files['stacks/platform-dev/.terraform/providers/marker']).toBe('plugin');
    expect(fs.readdirSync(sandbox)).toEqual(['cdktf.out']);
  });

  test('creates the output directory when there was none', () => {
    // GIVEN
    const nested = path.join(sandbox, 'build', 'cdktf.out');
    // WHEN
    synthAndValidate(appFactory(), { outdir: nested });
    // THEN
    expect(fs.existsSync(path.join(nested, 'stacks', 'platform-prod', 'cdk.tf.json'))).toBe(true);
    expect(fs.readdirSync(path.join(sandbox, 'build'))).toEqual(['cdktf.out']);
  });

  test('fails when a stack has a finding, leaving the previous output untouched', () => {
    // GIVEN
    previousOutput();
    const before = snapshot(outdir);
    // WHEN
    const run = () => synthAndValidate(appFactory('dev'), { outdir });
    // THEN
    expect(run).toThrow(SchemaValidationError);
    expect(snapshot(outdir)).toEqual(before);
    expect(fs.readdirSync(sandbox)).toEqual(['cdktf.out']);
  });

  test('fails with a message that lists every finding of every stack', () => {
    // GIVEN
    const factory = appFactory('both');
    // WHEN
    let error: unknown;
    try {
      synthAndValidate(factory, { outdir });
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(SchemaValidationError);
    const failure = error as SchemaValidationError;
    expect(failure.findings.map((f) => [f.stack, f.code, f.path])).toEqual([
      ['platform-dev', FindingCode.VALUE_NOT_ALLOWED, 'stage_name'],
      ['platform-prod', FindingCode.VALUE_NOT_ALLOWED, 'stage_name'],
    ]);
    expect(failure.message).toContain('2 findings in 2 stacks');
    expect(failure.message).toContain("[platform-dev] alicloud_api_gateway_plugin_attachment.JwtAttachment 'stage_name' value is not allowed");
    expect(failure.message).toContain('[platform-prod] alicloud_api_gateway_plugin_attachment.JwtAttachment');
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(sandbox)).toEqual([]);
  });

  test('fails when the app itself fails to synthesize, leaving the previous output untouched', () => {
    // GIVEN
    previousOutput();
    const before = snapshot(outdir);
    const factory = (dir: string): App => {
      const app = new App({ outdir: dir });
      const { stack } = providerStack('platform-dev', app);
      stack.node.addValidation({ validate: () => ['an API has no route'] });
      return app;
    };
    // WHEN / THEN
    expect(() => synthAndValidate(factory, { outdir })).toThrow(/an API has no route/);
    expect(snapshot(outdir)).toEqual(before);
    expect(fs.readdirSync(sandbox)).toEqual(['cdktf.out']);
  });

  test('fails when the factory ignores the outdir it is given', () => {
    // GIVEN
    previousOutput();
    const elsewhere = path.join(sandbox, 'elsewhere');
    fs.mkdirSync(elsewhere);
    // WHEN / THEN
    expect(() => synthAndValidate(() => new App({ outdir: elsewhere }), { outdir })).toThrow(/must build the App with the outdir it is given/);
    expect(fs.readdirSync(sandbox).sort()).toEqual(['cdktf.out', 'elsewhere']);
  });
});

describe('synthAndValidate token stack traces', () => {
  /**
   * Creates one token inside the app factory and returns the stack cdktf recorded for it, and
   * whether V8 was asked to format a trace for anything but a real error while the token was
   * created (a formatter installed inside the factory sees every trace actually captured).
   */
  function creationStackOf(options: { stackTraces?: boolean } = {}): { stack: string[]; capturedNonErrors: number } {
    let stack: string[] = [];
    let capturedNonErrors = 0;
    synthAndValidate((dir) => {
      const app = new App({ outdir: dir });
      const { stack: s } = providerStack('platform-dev', app);
      const previous = Error.prepareStackTrace;
      Error.prepareStackTrace = (target, frames) => {
        if (!(target instanceof Error)) capturedNonErrors++;
        return frames.map((f) => String(f)).join('\n');
      };
      try {
        const token = Lazy.stringValue({ produce: () => 'tagged' });
        stack = (Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] }).creationStack;
        ramRole(s).addOverride('description', token);
      } finally {
        Error.prepareStackTrace = previous;
      }
      return app;
    }, { outdir, ...options });
    return { stack, capturedNonErrors };
  }

  test('captures no stack trace for tokens created during the synth (not only an empty one)', () => {
    expect(creationStackOf()).toEqual({ stack: [], capturedNonErrors: 0 });
  });

  test('records them when asked (--stack-traces)', () => {
    const { stack, capturedNonErrors } = creationStackOf({ stackTraces: true });
    expect(stack.length).toBeGreaterThan(0);
    expect(capturedNonErrors).toBeGreaterThan(0);
  });

  test('keeps the stack of a real error thrown by the app', () => {
    let thrown: unknown;
    try {
      synthAndValidate(() => {
        throw new TypeError('broken construct');
      }, { outdir });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).stack).toMatch(/^TypeError: broken construct\n\s+at .*synth\.test\.ts/);
  });

  test('keeps Error.captureStackTrace working for errors and for objects other than the token placeholder', () => {
    const seen: Record<string, unknown> = {};
    synthAndValidate((dir) => {
      const error = new Error('own');
      Error.captureStackTrace(error);
      seen.error = error.stack;
      // The pattern some libraries use to read call sites: capture into an object of their own.
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      seen.holder = holder.stack;
      const app = new App({ outdir: dir });
      providerStack('platform-dev', app);
      return app;
    }, { outdir });
    expect(seen.error).toMatch(/^Error: own\n\s+at .*synth\.test\.ts/);
    expect(seen.holder).toMatch(/^Error:? *\n\s+at .*synth\.test\.ts/);
  });

  test('restores Error.captureStackTrace afterwards, also when the app fails', () => {
    const before = Error.captureStackTrace;
    creationStackOf();
    expect(Error.captureStackTrace).toBe(before);
    expect(() => synthAndValidate(() => {
      throw new Error('broken');
    }, { outdir })).toThrow('broken');
    expect(Error.captureStackTrace).toBe(before);
    const placeholder = { stack: '' };
    Error.captureStackTrace(placeholder);
    expect(placeholder.stack).toMatch(/\n\s+at /);
  });
});
