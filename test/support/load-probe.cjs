/**
 * Preloaded with `node --require` by test/integration/lazy-loading.test.ts: records every socket
 * the process tries to open and, at exit, writes the loaded CommonJS modules and those sockets as
 * JSON to $LOAD_PROBE_OUT.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');

const sockets = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function probeConnect(...args) {
  const options = args[0];
  sockets.push(typeof options === 'object' && options !== null ? `${options.host ?? options.path ?? '?'}:${options.port ?? ''}` : String(options));
  return connect.apply(this, args);
};

process.on('exit', () => {
  fs.writeFileSync(process.env.LOAD_PROBE_OUT, JSON.stringify({ modules: Object.keys(require.cache), sockets }));
});
