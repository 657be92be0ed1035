import { describe, expect, test } from 'vitest';
import { checkConversion, type ConversionSink, parseCtyType } from '../../validation/cty-type';
import { isExpression } from '../../validation';

/** Paths of the values `checkConversion` rejects. */
function rejected(value: unknown, typeJson: unknown): string[] {
  const paths: string[] = [];
  const sink: ConversionSink = { mismatch: (p) => paths.push(p) };
  checkConversion(value, parseCtyType(typeJson), 'v', sink);
  return paths;
}

describe('checkConversion', () => {
  test('accepts numbers given as decimal strings, as Terraform converts them', () => {
    // GIVEN / WHEN / THEN
    for (const value of ['3600', '-1', '+2', '1.5', '.5', '1e3', '2E-2']) expect(rejected(value, 'number'), value).toEqual([]);
  });

  test('fails when a number is a string that does not parse', () => {
    // GIVEN / WHEN / THEN
    for (const value of ['', ' 1', '1h', '0x10', '1_000', 'Inf', 'NaN']) expect(rejected(value, 'number'), value).toEqual(['v']);
  });

  test('accepts exactly the strings go-cty converts to bool', () => {
    // GIVEN / WHEN / THEN
    for (const value of ['true', 'false', '1', '0', true, false]) expect(rejected(value, 'bool')).toEqual([]);
  });

  test('fails when a bool is a number or another spelling', () => {
    // GIVEN / WHEN / THEN
    for (const value of [1, 0, 'True', 'yes', '']) expect(rejected(value, 'bool'), String(value)).toEqual(['v']);
  });

  test('accepts numbers and bools for a string, as Terraform converts them', () => {
    // GIVEN / WHEN / THEN
    expect(rejected(42, 'string')).toEqual([]);
    expect(rejected(true, 'string')).toEqual([]);
  });

  test('fails when nested object attributes have the wrong type, are unknown or missing', () => {
    // GIVEN
    const type = ['list', ['object', { port: 'number', protocol: 'string', tags: ['map', 'string'] }, ['tags']]];
    // WHEN
    const paths = rejected([{ port: 'http', protocol: 'TCP', extra: 1 }, { port: 80 }, { port: 443, protocol: 'TCP', tags: { a: ['x'] } }], type);
    // THEN
    expect(paths).toEqual(['v[0].port', 'v[0].extra', 'v[1].protocol', 'v[2].tags["a"]']);
  });

  test('accepts a valid list of objects with an optional attribute omitted', () => {
    // GIVEN
    const type = ['list', ['object', { port: 'number', protocol: 'string', tags: ['map', 'string'] }, ['tags']]];
    // WHEN / THEN
    expect(rejected([{ port: 80, protocol: 'TCP' }, { port: '443', protocol: 'TCP', tags: { a: 'b' } }], type)).toEqual([]);
  });

  test('accepts an expression for any type, whole or per element', () => {
    // GIVEN / WHEN / THEN
    expect(rejected('${var.ports}', ['list', 'number'])).toEqual([]);
    expect(rejected(['${var.a}', 2], ['list', 'number'])).toEqual([]);
    expect(rejected('${var.obj}', ['object', { a: 'string' }])).toEqual([]);
    expect(rejected('%{ if var.on }true%{ endif }', 'bool')).toEqual([]);
  });
});

describe('isExpression', () => {
  test('finds interpolations anywhere in a string', () => {
    // GIVEN / WHEN / THEN
    expect(isExpression('${aws.x}')).toBe(true);
    expect(isExpression('arn:${var.account}:role')).toBe(true);
  });

  test('treats escaped $${ and %%{ as literals', () => {
    // GIVEN / WHEN / THEN
    expect(isExpression('$${not.an.expression}')).toBe(false);
    expect(isExpression('%%{literal}')).toBe(false);
    expect(isExpression('{"a": "$"}')).toBe(false);
  });
});
