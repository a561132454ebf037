import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type CryptoKey, decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { signAssertion } from '../src/index.js';

const ISSUER = 'https://auth.example';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('signAssertion', () => {
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  before(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true }));
  });
  const base = () => ({
    privateKey,
    alg: 'ES256' as const,
    kid: 'k-1',
    issuer: ISSUER,
    clientId: 'integration-1',
    subject: 'cus-1',
    ownerType: 'customer' as const,
    now: () => NOW,
  });
  const verify = (assertion: string, audience = ISSUER) =>
    jwtVerify(assertion, publicKey, { issuer: 'integration-1', audience, currentDate: new Date(NOW) });

  test('RFC 7523 §3: iss = client id, aud = issuer, sub, owner_type, iat, exp, a jti; the kid in the header', async () => {
    const assertion = await signAssertion({ ...base(), customClaim: { tier: 'gold' } });
    const { payload } = await verify(assertion);
    assert.equal(payload.sub, 'cus-1');
    assert.equal(payload.owner_type, 'customer');
    assert.deepEqual(payload.custom_claim, { tier: 'gold' });
    assert.equal(payload.iat, Math.floor(NOW / 1000));
    assert.equal(payload.exp, Math.floor(NOW / 1000) + 120);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.deepEqual(decodeProtectedHeader(assertion), { alg: 'ES256', typ: 'JWT', kid: 'k-1' });
  });

  test('a fresh jti each time (each assertion is accepted once)', async () => {
    const first = await verify(await signAssertion(base()));
    const second = await verify(await signAssertion(base()));
    assert.notEqual(first.payload.jti, second.payload.jti);
  });

  test('expiresIn up to 300 s, the token endpoint as audience, a PKCS#8 PEM as key', async () => {
    const pem = await exportPKCS8(privateKey);
    const assertion = await signAssertion({ ...base(), privateKey: pem, expiresIn: 300, audience: `${ISSUER}/oauth/token` });
    const { payload } = await verify(assertion, `${ISSUER}/oauth/token`);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
  });

  test('what the server would refuse is refused here first', async () => {
    await assert.rejects(signAssertion({ ...base(), expiresIn: 301 }), RangeError);
    await assert.rejects(signAssertion({ ...base(), expiresIn: 0 }), RangeError);
    await assert.rejects(signAssertion({ ...base(), alg: 'HS256' as never }), TypeError);
    await assert.rejects(signAssertion({ ...base(), alg: 'none' as never }), TypeError);
    await assert.rejects(signAssertion({ ...base(), ownerType: 'admin' as never }), TypeError);
    await assert.rejects(signAssertion({ ...base(), subject: '' }), TypeError);
    await assert.rejects(signAssertion({ ...base(), customClaim: { big: 'x'.repeat(4096) } }), RangeError);
    await assert.rejects(signAssertion({ ...base(), customClaim: ['a'] as never }), TypeError);
  });
});
