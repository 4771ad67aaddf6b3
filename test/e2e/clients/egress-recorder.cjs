/**
 * Preloaded (`node --require`) into a client process by the e2e suites: records every outbound request and
 * connection the process attempts, and answers any fetch to an origin other than EGRESS_ALLOWED_ORIGIN
 * itself (200, `{}`) so that nothing leaves the machine. Writes the record to EGRESS_LOG as JSON on exit.
 *
 * Layers: the global fetch (what the openai SDK and the Agents SDK's trace exporter use), undici's connect
 * channel (every fetch connection), node:http(s) requests, and every client socket (TCP, TLS, local pipes).
 */
'use strict';
const dc = require('node:diagnostics_channel');
const fs = require('node:fs');
const net = require('node:net');

const allowed = process.env.EGRESS_ALLOWED_ORIGIN;
const logFile = process.env.EGRESS_LOG;
if (!allowed || !logFile) throw new Error('egress-recorder needs EGRESS_ALLOWED_ORIGIN and EGRESS_LOG');

const record = { fetches: [], connections: [] };

const realFetch = globalThis.fetch;
globalThis.fetch = async function recordingFetch(input, init) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  const blocked = url.origin !== allowed;
  record.fetches.push({ method: init?.method ?? (input instanceof Request ? input.method : 'GET'), url: url.href, authorization: headers.get('authorization'), blocked });
  if (blocked) return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  return realFetch(input, init);
};

dc.subscribe('undici:client:beforeConnect', ({ connectParams }) => {
  record.connections.push({ via: 'fetch', host: connectParams.hostname, port: String(connectParams.port) });
});
dc.subscribe('http.client.request.start', ({ request }) => {
  record.connections.push({ via: 'http', host: request.host, port: String(request.socket?.remotePort ?? '') });
});
// Every client socket (TCP, TLS, or a local pipe), whoever opens it, with where it was asked to go.
const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function recordingConnect(...args) {
  let target = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof target === 'number') target = { port: target, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  else if (typeof target === 'string') target = { path: target };
  record.connections.push(
    target?.path !== undefined
      ? { via: 'pipe', path: String(target.path) }
      : { via: 'socket', host: target?.host ?? 'localhost', port: String(target?.port ?? '') },
  );
  return realConnect.apply(this, args);
};

process.on('exit', () => fs.writeFileSync(logFile, JSON.stringify(record)));
