/**
 * Runs a CommonJS bundle like `node <bundle>` does, but with a V8 code cache kept next to it
 * (`<bundle>.code-cache`), so that a run after the first one does not compile the bundle again.
 * Used by scripts/app.cjs for the app (`run <entry>`) and for any other bundle (`run-file`), so
 * the bench's minimal cdktf app is started exactly like ours.
 *
 * The cache is keyed on the Node and V8 versions, the architecture and the bundle's file identity:
 * inode, size, modification and change time (the change time cannot be set back, so an edited or
 * rebuilt bundle never runs with the old cache; V8 itself checks only the source's length). It is
 * written once the process exits after a run without a usable cache, atomically (temporary file +
 * rename); when it cannot be written (read-only
 * directory) the run goes on without it. `M2M_GUARD_CODE_CACHE=off` runs without the cache,
 * `M2M_GUARD_CODE_CACHE=verbose` reports on stderr what happened to it.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { isAscii } = require('node:buffer');

/** The cache file of a bundle. */
function cacheFileOf(bundle) {
  return `${bundle}.code-cache`;
}

/** The first line of a cache file: what the cached data was made from and for. */
function cacheKey(stat) {
  return `m2m-guard code cache: node ${process.version} v8 ${process.versions.v8} ${process.arch}; bundle inode ${stat.ino}, ${stat.size} bytes, mtime ${stat.mtimeMs}, ctime ${stat.ctimeMs}\n`;
}

/** The cached data for `key`, or why there is none. */
function readCache(file, key) {
  let buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch {
    return { reason: 'no cache' };
  }
  const header = Buffer.from(key);
  if (buffer.length <= header.length || !buffer.subarray(0, header.length).equals(header)) return { reason: 'stale cache (the bundle or Node changed)' };
  return { data: buffer.subarray(header.length) };
}

/** Writes the cache atomically; returns the error message when it could not. */
function writeCache(file, key, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(key), data]));
    fs.renameSync(tmp, file);
    return undefined;
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was written, or the directory is read-only: nothing to clean up
    }
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs `bundle` as the program with `args` as its arguments (`process.argv` is
 * `[node, bundle, ...args]`, as for `node <bundle> ...args`).
 */
function runBundle(bundle, args) {
  const file = path.resolve(bundle);
  const mode = process.env.M2M_GUARD_CODE_CACHE ?? '';
  const report = mode === 'verbose' ? (message) => process.stderr.write(`app: code cache ${message}\n`) : () => {};
  // The identity of the file read, from the same descriptor: a bundle renamed into place between
  // a read and a stat by path would get the old text's cache under the new bundle's key.
  const fd = fs.openSync(file, 'r');
  let bytes;
  let stat;
  try {
    stat = fs.fstatSync(fd);
    bytes = fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // esbuild writes ASCII (non-ASCII escaped): decoding that as Latin-1 is the same text, several
  // times faster than UTF-8, and gives V8 a one-byte string.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cacheFile = cacheFileOf(file);
  let key;
  let cached = { reason: 'off (M2M_GUARD_CODE_CACHE=off)' };
  if (mode !== 'off') {
    key = cacheKey(stat);
    cached = readCache(cacheFile, key);
  }
  // The wrapper starts on a line of its own, so lines and columns in stack traces are the bundle's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    cachedData: cached.data,
  });
  const used = cached.data !== undefined && !script.cachedDataRejected;
  if (used) report(`used: ${cacheFile}`);
  else if (cached.data !== undefined) cached = { reason: 'rejected by V8' };
  if (!used && key !== undefined) {
    // Written at exit: the cache then also holds the functions compiled while the program ran.
    process.once('exit', () => {
      const failure = writeCache(cacheFile, key, script.createCachedData());
      report(failure === undefined ? `${cached.reason}: wrote ${cacheFile}` : `${cached.reason}: not written (${failure})`);
    });
  } else if (!used) {
    report(cached.reason);
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  process.argv = [process.argv[0], file, ...args];
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
}

module.exports = { runBundle, cacheFileOf };
