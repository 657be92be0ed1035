import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Agent } from 'undici';
import { LookupErrorCode } from '../../lookups/errors';
import { DEFAULT_FETCH_LIMITS, createLookupAgent, fetchJsonDocument } from '../../lookups/http-json';
import { loadTrustStore } from '../../lookups/trust';
import { tempDir, testPki, writeCaBundle } from '../support/pki';
import { type TestHttpsServer, startHttpsServer } from '../support/servers';

const tmp = tempDir();
const pki = testPki('http');
let agent: Agent;
let server: TestHttpsServer;

beforeAll(async () => {
  agent = createLookupAgent(loadTrustStore(writeCaBundle(tmp.file('ca.pem'), pki.root.certPem)), 5_000);
  server = await startHttpsServer({
    certificates: pki,
    handler: (req, res, origin) => {
      const path = req.url ?? '/';
      const hop = /^\/hop(\d+)$/.exec(path);
      if (hop) {
        const n = Number(hop[1]);
        res.writeHead(302, { location: n === 0 ? '/doc' : `/hop${n - 1}` }).end();
      } else if (path === '/doc') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: true }));
      } else if (path === '/to-http') {
        res.writeHead(301, { location: `http://localhost:${origin.split(':')[2]}/doc` }).end();
      } else if (path === '/no-location') {
        res.writeHead(302).end();
      } else if (path === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      } else if (path === '/broken-json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": ');
      } else if (path === '/array') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2]');
      } else if (path === '/jwk-set') {
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end('{"keys":[]}');
      } else if (path === '/huge-declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) });
        res.write('{"a":"');
        setTimeout(() => res.destroy(), 200);
      } else if (path === '/huge-streamed') {
        // chunked, no content-length: the cap must hold while streaming
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"padding":"');
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 40 && res.write(chunk)) sent++;
          if (sent < 40 && !res.destroyed) res.once('drain', pump);
          else res.end('"}');
        };
        pump();
      } else if (path === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(500).end();
      }
    },
  });
});

afterAll(async () => {
  await agent.close();
  await server.close();
  tmp.cleanup();
});

function fetchPath(path: string, limits = DEFAULT_FETCH_LIMITS) {
  return fetchJsonDocument(new URL(`${server.origin}${path}`), { issuer: 'https://issuer.test', what: 'document', agent, limits });
}

describe('fetchJsonDocument', () => {
  test('follows up to 3 https redirects', async () => {
    // WHEN
    const doc = await fetchPath('/hop2');

    // THEN
    expect(doc.body).toEqual({ ok: true });
    expect(doc.url.pathname).toBe('/doc');
  });

  test('accepts +json media types such as application/jwk-set+json', async () => {
    await expect(fetchPath('/jwk-set')).resolves.toMatchObject({ body: { keys: [] } });
  });

  test('fails when there are more than 3 redirects', async () => {
    await expect(fetchPath('/hop3')).rejects.toMatchObject({
      code: LookupErrorCode.REDIRECT_INVALID,
      message: expect.stringContaining('more than 3'),
    });
  });

  test('fails when a redirect leaves https', async () => {
    await expect(fetchPath('/to-http')).rejects.toMatchObject({
      code: LookupErrorCode.REDIRECT_INVALID,
      message: expect.stringContaining('non-https'),
    });
  });

  test('fails when a redirect has no Location', async () => {
    await expect(fetchPath('/no-location')).rejects.toMatchObject({ code: LookupErrorCode.REDIRECT_INVALID });
  });

  test('fails when the document is not served as JSON', async () => {
    await expect(fetchPath('/html')).rejects.toMatchObject({
      code: LookupErrorCode.NOT_JSON,
      message: expect.stringContaining('text/html'),
    });
  });

  test('fails when the body is not valid JSON', async () => {
    await expect(fetchPath('/broken-json')).rejects.toMatchObject({ code: LookupErrorCode.NOT_JSON });
  });

  test('fails when the JSON is not an object', async () => {
    await expect(fetchPath('/array')).rejects.toMatchObject({ code: LookupErrorCode.NOT_JSON });
  });

  test('fails when the declared size is over the cap', async () => {
    await expect(fetchPath('/huge-declared')).rejects.toMatchObject({
      code: LookupErrorCode.TOO_LARGE,
      message: expect.stringContaining('1048576-byte cap'),
    });
  });

  test('fails while streaming when an undeclared body grows over the cap', async () => {
    await expect(fetchPath('/huge-streamed')).rejects.toMatchObject({ code: LookupErrorCode.TOO_LARGE });
  });

  test('fails when the status is not 2xx', async () => {
    await expect(fetchPath('/missing')).rejects.toMatchObject({
      code: LookupErrorCode.HTTP_STATUS,
      message: expect.stringContaining('HTTP 404'),
    });
  });
});
