import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type IStackSynthesizer, type ISynthesisSession, TerraformStack } from 'cdktf';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ENVIRONMENTS } from '../../config';
import { SecurityChecks } from '../../constructs';
import { TAKE_SYNTHESIZED_JSON, type SynthesizedJsonSource, requestSynthesizedJson, takeSynthesizedJson } from '../../core/synthesized-json';
import type { LockFile } from '../../core/issuer-facts';
import { defaultLockPath, readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';
import { SchemaValidationError, synthAndValidate } from '../../validation';
import { providerStack, ramRole } from './util';

let sandbox: string;

beforeEach(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesized-json-'));
});

afterEach(() => {
  fs.rmSync(sandbox, { recursive: true, force: true });
});

/**
 * Lets the stack's synthesizer write the stack, then adds an attribute no schema knows to its RAM
 * role in the written file only; hands over what the wrapped synthesizer hands over.
 */
class FileTamperingSynthesizer implements IStackSynthesizer, SynthesizedJsonSource {
  public constructor(private readonly stack: TerraformStack, private readonly inner: IStackSynthesizer) {}

  public [TAKE_SYNTHESIZED_JSON](): Readonly<Record<string, unknown>> | undefined {
    return takeSynthesizedJson(this.inner);
  }

  public synthesize(session: ISynthesisSession): void {
    this.inner.synthesize(session);
    const file = path.join(session.outdir, session.manifest.forStack(this.stack).synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const roles = json.resource.alicloud_ram_role;
    roles[Object.keys(roles)[0]].tampered_on_disk = 'yes';
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
  }
}

describe('handing the synthesized JSON from the security checks to synth validation', () => {
  test('the object the checks hand over deep-equals JSON.parse of the written cdk.tf.json, for every stack of the example', () => {
    // GIVEN the example app (config/ environments, the project's lock), security checks attached by buildApp
    const lock = readLockFile(defaultLockPath()) as LockFile;
    const outdir = path.join(sandbox, 'cdktf.out');
    const app = buildApp({ outdir, environments: ENVIRONMENTS, lock, localStateDir: path.join(sandbox, 'state') });
    const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
    expect(stacks.length).toBeGreaterThanOrEqual(ENVIRONMENTS.length * 2);
    // WHEN the synth asks for the hand-over (as synthAndValidate does)
    requestSynthesizedJson(app);
    app.synth();
    // THEN
    for (const stack of stacks) {
      expect(SecurityChecks.of(stack)).toBeDefined();
      const handed = takeSynthesizedJson(stack.synthesizer);
      const written = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
      expect(handed, stack.node.id).toStrictEqual(written);
      // taken once: the synthesizer no longer holds it
      expect(takeSynthesizedJson(stack.synthesizer), stack.node.id).toBeUndefined();
    }
  });

  test('a plain app.synth() (no request) leaves no copy of the output held by the synthesizers', () => {
    // GIVEN a checked stack in an app that did not ask for the hand-over
    const app = new App({ outdir: path.join(sandbox, 'plain.out') });
    const { stack } = providerStack('plain', app);
    ramRole(stack);
    SecurityChecks.attach(stack, { rules: [] });
    // WHEN
    app.synth();
    // THEN the file is written and the synthesizer holds nothing
    expect(fs.existsSync(path.join(sandbox, 'plain.out', 'stacks', 'plain', 'cdk.tf.json'))).toBe(true);
    expect(takeSynthesizedJson(stack.synthesizer)).toBeUndefined();
  });

  test('synthAndValidate validates the handed-over object of a checked stack and reads a stack without the checks from disk', () => {
    // GIVEN two stacks whose written files gain an unknown attribute after they were written;
    // only 'checked' has the security checks (wrapped by the tampering synthesizer)
    const stacks: TerraformStack[] = [];
    const factory = (dir: string): App => {
      const app = new App({ outdir: dir });
      for (const name of ['checked', 'unchecked']) {
        const { stack } = providerStack(name, app);
        ramRole(stack);
        if (name === 'checked') SecurityChecks.attach(stack, { rules: [] });
        stack.synthesizer = new FileTamperingSynthesizer(stack, stack.synthesizer);
        stacks.push(stack);
      }
      return app;
    };
    // WHEN
    let error: unknown;
    try {
      synthAndValidate(factory, { outdir: path.join(sandbox, 'cdktf.out') });
    } catch (e) {
      error = e;
    }
    // THEN only the stack read from disk shows the attribute added to its file
    expect(error).toBeInstanceOf(SchemaValidationError);
    const findings = (error as SchemaValidationError).findings.map((f) => `${f.stack} ${f.path}`);
    expect(findings).toEqual(['unchecked tampered_on_disk']);
    // and the checked stack's synthesizer no longer holds the object
    expect(takeSynthesizedJson(stacks[0].synthesizer)).toBeUndefined();
  });
});
