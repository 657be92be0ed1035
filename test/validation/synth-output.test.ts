import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { validateApp, validateSynthOutput } from '../../validation';
import { pluginAttachment, providerStack, ramRole, summary } from './util';

let outdir: string;

beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-output-'));
});

afterEach(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** Synthesizes two stacks into `outdir`; the prod stack gets a computed-only attribute. */
function synthTwoStacks(): App {
  const app = new App({ outdir });
  for (const name of ['platform-dev', 'platform-prod']) {
    const { stack } = providerStack(name, app);
    const role = ramRole(stack);
    pluginAttachment(stack);
    if (name === 'platform-prod') role.addOverride('arn', 'acs:ram::1:role/x');
  }
  app.synth();
  return app;
}

describe('validateSynthOutput', () => {
  test('validates every stack listed in manifest.json', () => {
    // GIVEN
    synthTwoStacks();
    // WHEN
    const results = validateSynthOutput(outdir);
    // THEN
    expect(results.map((r) => [r.stack, summary(r.findings)])).toEqual([
      ['platform-dev', []],
      ['platform-prod', ['SCHEMA_COMPUTED_ONLY alicloud_ram_role.CiRole arn']],
    ]);
    expect(results[1].findings[0].constructPath).toBe('platform-prod/CiRole');
  });

  test('walks stacks/*/cdk.tf.json when there is no manifest', () => {
    // GIVEN
    synthTwoStacks();
    fs.rmSync(path.join(outdir, 'manifest.json'));
    // WHEN
    const results = validateSynthOutput(outdir);
    // THEN
    expect(results.map((r) => [r.stack, r.findings.length])).toEqual([
      ['platform-dev', 0],
      ['platform-prod', 1],
    ]);
  });

  test('fails when the directory holds no synthesized stacks', () => {
    // GIVEN an empty outdir
    // WHEN / THEN
    expect(() => validateSynthOutput(outdir)).toThrow(/No synthesized stacks found/);
  });

  test('fails when a stack was synthesized as HCL', () => {
    // GIVEN
    const app = new App({ outdir, hclOutput: true });
    ramRole(providerStack('platform-dev', app).stack);
    app.synth();
    // WHEN / THEN
    expect(() => validateSynthOutput(outdir)).toThrow(/synthesized as HCL/);
  });
});

describe('validateApp', () => {
  test('validates every stack of an app in memory, without writing the output', () => {
    // GIVEN
    const app = new App({ outdir });
    ramRole(providerStack('platform-dev', app).stack);
    pluginAttachment(providerStack('platform-prod', app).stack).addOverride('stage_name', 'PROD');
    // WHEN
    const results = validateApp(app);
    // THEN
    expect(results.map((r) => [r.stack, summary(r.findings)])).toEqual([
      ['platform-dev', []],
      ['platform-prod', ['SCHEMA_VALUE_NOT_ALLOWED alicloud_api_gateway_plugin_attachment.JwtAttachment stage_name']],
    ]);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
  });
});
