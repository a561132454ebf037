import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { normalizeAddress, TrustedProxyListError, trustedProxies } from '../src/config/trusted-proxies';
import { clientAddress, rateLimitKey, trustedProxyHop } from '../src/http/client-address';

describe('client address (SPEC §3: X-Forwarded-For only from trusted proxies)', () => {
  const proxies = trustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::ffff:172.16.0.0/108']);

  test('without trusted proxies the peer is the client, whatever X-Forwarded-For says', () => {
    const none = trustedProxies([]);
    assert.equal(clientAddress('203.0.113.5', '198.51.100.1', none), '203.0.113.5');
  });

  test('a spoofed X-Forwarded-For from an untrusted peer is ignored', () => {
    assert.equal(clientAddress('203.0.113.5', '10.0.0.1, 198.51.100.1', proxies), '203.0.113.5');
  });

  test('from a trusted peer, the rightmost entry that is not a trusted proxy is the client', () => {
    assert.equal(clientAddress('10.1.2.3', '198.51.100.1', proxies), '198.51.100.1');
    // The client prepended a lie; the proxy appended the truth.
    assert.equal(clientAddress('10.1.2.3', '1.1.1.1, 198.51.100.1', proxies), '198.51.100.1');
  });

  test('a chain of trusted proxies is walked past, however many headers carry it', () => {
    assert.equal(clientAddress('10.1.2.3', '6.6.6.6, 198.51.100.1, 192.168.1.7, 10.9.9.9', proxies), '198.51.100.1');
    assert.equal(clientAddress('10.1.2.3', ['6.6.6.6, 198.51.100.1', '192.168.1.7', '10.9.9.9'], proxies), '198.51.100.1');
  });

  test('an untrusted hop in the middle stops the walk there', () => {
    assert.equal(clientAddress('10.1.2.3', '198.51.100.1, 203.0.113.9, 10.9.9.9', proxies), '203.0.113.9');
  });

  test('when every hop is a trusted proxy the leftmost is the client; a trusted peer without the header is the client', () => {
    assert.equal(clientAddress('10.1.2.3', '192.168.1.7, 10.9.9.9', proxies), '192.168.1.7');
    assert.equal(clientAddress('10.1.2.3', undefined, proxies), '10.1.2.3');
    assert.equal(clientAddress('10.1.2.3', '', proxies), '10.1.2.3');
  });

  test('a malformed entry stops the walk at the trusted hop that reported it', () => {
    assert.equal(clientAddress('10.1.2.3', '198.51.100.1, not-an-ip', proxies), '10.1.2.3');
    assert.equal(clientAddress('10.1.2.3', 'unknown, 10.4.4.4', proxies), '10.4.4.4');
  });

  test('ports appended by proxies are dropped', () => {
    assert.equal(clientAddress('10.1.2.3', '198.51.100.1:51234', proxies), '198.51.100.1');
    assert.equal(clientAddress('10.1.2.3', '[2001:db8::7]:443', proxies), '2001:db8::7');
  });

  test('IPv4-mapped IPv6 peers and entries are IPv4 addresses, for trust and for the answer', () => {
    assert.equal(clientAddress('::ffff:10.1.2.3', '::ffff:198.51.100.1', proxies), '198.51.100.1');
    assert.equal(clientAddress('::ffff:203.0.113.5', '198.51.100.1', proxies), '203.0.113.5');
    assert.equal(clientAddress('::ffff:172.16.0.9', '198.51.100.1', proxies), '198.51.100.1');
    assert.equal(clientAddress('::FFFF:c633:6401', undefined, proxies), '198.51.100.1');
  });

  test('IPv6 proxies by range', () => {
    assert.equal(clientAddress('fd12::1', '2001:db8:1:2::99, fd00::2', proxies), '2001:db8:1:2::99');
    assert.equal(clientAddress('2001:db8::1', '198.51.100.1', proxies), '2001:db8::1');
  });

  test('a bad COUNTERSIGN_TRUSTED_PROXIES entry is refused, naming the variable', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.internal', '10.0.0.1/', 'fd00::/129', '10.0.0.0/-1']) {
      assert.throws(
        () => trustedProxies([bad]),
        (error: unknown) => {
          assert.ok(error instanceof TrustedProxyListError);
          assert.match(error.message, /COUNTERSIGN_TRUSTED_PROXIES/);
          return true;
        },
      );
    }
  });
});

describe("Fastify's trustProxy (request.ip, as logged)", () => {
  test('agrees with the rate limits: the same trusted proxies, the same walk', async () => {
    const trusted = trustedProxies(['10.0.0.0/8']);
    const app = Fastify({ trustProxy: trustedProxyHop(trusted) });
    app.get('/', async (request) => ({
      ip: request.ip,
      limited: clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trusted),
    }));
    const ask = async (remoteAddress: string, forwardedFor?: string) =>
      (await app.inject({ url: '/', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} })).json();
    assert.deepEqual(await ask('10.0.0.7', '203.0.113.9, 10.0.0.8'), { ip: '203.0.113.9', limited: '203.0.113.9' });
    assert.deepEqual(await ask('198.51.100.4', '203.0.113.9'), { ip: '198.51.100.4', limited: '198.51.100.4' });
    await app.close();
  });
});

describe('rate-limit key (SPEC §3: IPv6 counts per /64)', () => {
  test('IPv4 as is', () => {
    assert.equal(rateLimitKey('198.51.100.1'), '198.51.100.1');
  });

  test('addresses of one /64 share a key, however they are spelled; another /64 does not', () => {
    const a = rateLimitKey('2001:db8:1:2::1');
    assert.equal(a, '2001:db8:1:2::/64');
    assert.equal(rateLimitKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), a);
    assert.equal(rateLimitKey('2001:db8:1:2:abcd::1%eth0'), a);
    assert.notEqual(rateLimitKey('2001:db8:1:3::1'), a);
    assert.equal(rateLimitKey('::1'), '0:0:0:0::/64');
  });

  test('IPv4-mapped addresses count as IPv4, not as one shared /64', () => {
    assert.equal(rateLimitKey('::ffff:198.51.100.1'), '198.51.100.1');
    assert.notEqual(rateLimitKey('::ffff:198.51.100.1'), rateLimitKey('::ffff:198.51.100.2'));
  });

  test('a missing address has a key of its own', () => {
    assert.equal(rateLimitKey(undefined), 'unknown');
    assert.equal(normalizeAddress('garbage'), undefined);
  });
});
