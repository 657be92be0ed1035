/**
 * A drop-in replacement for json-stable-stringify (the version cdktf pins, 1.3.0), used only inside
 * the project's esbuild bundles (scripts/app.cjs resolves cdktf's `require("json-stable-stringify")`
 * here). cdktf writes every stack, its metadata and the manifest with it.
 *
 * The library builds the text of every nested object as a separate string and joins them level by
 * level, so a large stack leaves garbage of about its size times its depth, with big child strings
 * alive until the parent is joined (at 1,000 protected APIs the heap grew by about 50 MB while the
 * stack was written). This calls V8's native `JSON.stringify` with a replacer that hands it, for
 * each plain object, a copy with the keys in the library's order (default sort); a copy is garbage
 * as soon as it is serialized. The one difference in format is then put back: with `space`, the
 * library writes an empty object or array as the bracket, a newline, the indentation of the line
 * the bracket opens on, and the closing bracket; `JSON.stringify` writes `{}` / `[]`.
 *
 * The output is byte-identical for plain JSON data (objects with Object or null prototype,
 * arrays, strings, numbers, booleans, null, undefined members) with no options or `{ space: 2 }`,
 * which is what cdktf passes. Anything else (other options, `toJSON`, class instances, boxed
 * primitives, functions, symbols, bigints, cycles, keys that are array indices, whose order a
 * JavaScript object cannot keep sorted) is handed to the real library, so the result never differs.
 */
'use strict';

// The real library, cdktf's own copy (scripts/app.cjs redirects cdktf here only when cdktf resolves that copy).
const real = require('cdktf/node_modules/json-stable-stringify');

/** Thrown by the replacer when a value is outside what the fast path reproduces exactly. */
const UNSUPPORTED = Symbol('unsupported');

/** Canonical decimal integers: possible array indices, which objects enumerate first, in numeric order. */
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

/**
 * The native replacer: `this` is the holder, so `this[key]` is the value before `toJSON` (which
 * native JSON.stringify applies before the replacer, and the library after it, differently).
 */
function sortedCopy(key, value) {
  if (!Object.is(this[key], value)) throw UNSUPPORTED;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || value === null || value === undefined) return value;
  if (type !== 'object') throw UNSUPPORTED;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || typeof value.toJSON === 'function') throw UNSUPPORTED;
    return value;
  }
  if ((proto !== Object.prototype && proto !== null) || typeof value.toJSON === 'function') throw UNSUPPORTED;
  const keys = Object.keys(value).sort();
  // A null prototype: a "__proto__" key becomes an own property, as in the original.
  const copy = Object.create(null);
  for (const k of keys) {
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_LIKE.test(k)) throw UNSUPPORTED;
    copy[k] = value[k];
  }
  return copy;
}

/** A structural empty object or array at the end of a line (JSON strings hold no raw line feed). */
const EMPTY = /(?:\{\}|\[\])(?=,?(?:\n|$))/g;
/** What may precede it on its line: the indentation, and a member's key. */
const EMPTY_PREFIX = /^( *)(?:"(?:[^"\\]|\\.)*": )?$/;

/** Rewrites each structural `{}` / `[]` of 2-space-indented output the way the library writes it. */
function expandEmpties(text) {
  return text.replace(EMPTY, (empty, offset) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const prefix = EMPTY_PREFIX.exec(text.slice(lineStart, offset));
    if (prefix === null) throw UNSUPPORTED;
    return `${empty[0]}\n${prefix[1]}${empty[1]}`;
  });
}

/** The native path: the library's text, or UNSUPPORTED thrown (or a cycle's TypeError). */
function nativeStableStringify(value, space) {
  const text = JSON.stringify(value, sortedCopy, space);
  return space === undefined || text === undefined ? text : expandEmpties(text);
}

/** `{ space: 2 }` -> 2, no options -> undefined; anything else -> UNSUPPORTED. */
function spaceOf(args) {
  const opts = args[1];
  if (args.length < 2 || opts === undefined) return undefined;
  if (opts !== null && typeof opts === 'object' && Object.getPrototypeOf(opts) === Object.prototype
    && opts.space === 2 && Object.keys(opts).length === 1) return 2;
  throw UNSUPPORTED;
}

/**
 * Same contract as json-stable-stringify 1.3.0: `stringify(value)` or `stringify(value, { space: 2 })`
 * take the native path; every other call, or a value it does not reproduce exactly, goes to the library.
 */
function stableStringify(value) {
  try {
    return nativeStableStringify(value, spaceOf(arguments));
  } catch {
    // UNSUPPORTED, a cycle, a throwing getter: the library decides (and throws its own error).
    return real.apply(this, arguments);
  }
}

/**
 * For tests: the native path alone, throwing where {@link stableStringify} would hand the call to
 * the library (so a test can prove the native path is the one taken).
 */
stableStringify.nativeOnly = function nativeOnly(value) {
  try {
    return nativeStableStringify(value, spaceOf(arguments));
  } catch (error) {
    throw error === UNSUPPORTED ? new Error('json-stable-stringify replacement: not on the native path') : error;
  }
};

module.exports = stableStringify;
