import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OAuthClient } from '../model/client';
import type { Grant } from '../model/grant';
import { type LivenessSources, tokenDeadReason } from './token-liveness';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

const client: OAuthClient = {
  id: 'cred-1',
  clientId: 'client-1',
  kind: 'webapp',
  confidential: true,
  name: 'Back office',
  scopes: ['stores.view'],
  redirectUris: [],
  secretHash: 'h',
  previousSecretHash: null,
  previousSecretExpiresAt: null,
  store: { id: 'store-1', slug: 'shop' },
  mode: 'test',
  expiresIn: null,
  jwks: null,
  passwordGrant: true,
  ownerUserId: null,
  appProfile: null,
  tokensInvalidBefore: null,
};

const grant: Grant = {
  id: 'grant-1',
  clientId: 'client-1',
  clientRecordId: 'cred-1',
  clientKind: 'webapp',
  mode: 'test',
  owner: { type: 'user', id: 'user-1' },
  storeIds: ['store-1'],
  scope: 'stores.view',
  createdAt: NOW - 1000,
  expiresAt: NOW + 86_400_000,
  revokedAt: null,
};

const claims = (overrides: Record<string, unknown> = {}) => ({
  jti: 'jti-1',
  iat: Math.floor(NOW / 1000) - 10,
  exp: Math.floor(NOW / 1000) + 7200,
  client_id: 'client-1',
  test: true,
  application: { id: 'cred-1', client_id: 'client-1', kind: 'webapp', public: false },
  store: { id: 'store-1', slug: 'shop' },
  grant_id: 'grant-1',
  ...overrides,
});

function sources(overrides: { revokedJtis?: string[]; grant?: Grant | undefined; client?: OAuthClient | undefined } = {}): LivenessSources {
  return {
    grants: {
      isAccessTokenRevoked: async (jti) => (overrides.revokedJtis ?? []).includes(jti),
      findGrant: async (id) =>
        ('grant' in overrides ? overrides.grant : grant)?.id === id ? ('grant' in overrides ? overrides.grant : grant) : undefined,
    },
    clients: {
      findByClientId: async (id) =>
        ('client' in overrides ? overrides.client : client)?.clientId === id
          ? 'client' in overrides
            ? overrides.client
            : client
          : undefined,
    },
    clock: { now: () => NOW },
  };
}

/** SPEC §1: one set of liveness rules for every verifier of our tokens (signature and expiry are checked before). */
describe('token liveness (SPEC §1)', () => {
  test('a token whose jti, grant and client are all in order is live', async () => {
    assert.equal(await tokenDeadReason(claims(), sources()), null);
  });

  test('a revoked jti is dead', async () => {
    assert.equal(await tokenDeadReason(claims(), sources({ revokedJtis: ['jti-1'] })), 'jti_revoked');
  });

  test('a revoked, missing or expired grant kills every token issued under it', async () => {
    assert.equal(await tokenDeadReason(claims(), sources({ grant: { ...grant, revokedAt: NOW - 1 } })), 'grant_revoked');
    assert.equal(await tokenDeadReason(claims(), sources({ grant: undefined })), 'grant_revoked');
    assert.equal(await tokenDeadReason(claims(), sources({ grant: { ...grant, expiresAt: NOW } })), 'grant_expired');
  });

  test('an API key (no exp) lives as long as its grant is not revoked, past the grant’s maximum age', async () => {
    const apiKey = claims({ exp: undefined });
    assert.equal(await tokenDeadReason(apiKey, sources({ grant: { ...grant, expiresAt: NOW - 1 } })), null);
    assert.equal(await tokenDeadReason(apiKey, sources({ grant: { ...grant, revokedAt: NOW - 1 } })), 'grant_revoked');
  });

  test('a token without a grant (client_credentials, guest) dies with its client', async () => {
    const guest = claims({ grant_id: undefined });
    assert.equal(await tokenDeadReason(guest, sources()), null);
    assert.equal(await tokenDeadReason(guest, sources({ client: undefined })), 'client_gone');
  });

  test('a client that is not the one the token names (another record, mode or store) counts as gone', async () => {
    assert.equal(await tokenDeadReason(claims(), sources({ client: { ...client, id: 'cred-2' } })), 'client_gone');
    assert.equal(await tokenDeadReason(claims(), sources({ client: { ...client, mode: 'live' } })), 'client_gone');
    assert.equal(await tokenDeadReason(claims(), sources({ client: { ...client, store: { id: 'store-2', slug: 'x' } } })), 'client_gone');
  });

  test('a compromised secret rotation kills the tokens issued before it, not those after', async () => {
    const rotated = { ...client, tokensInvalidBefore: NOW - 5000 };
    assert.equal(await tokenDeadReason(claims({ iat: Math.floor(NOW / 1000) - 10 }), sources({ client: rotated })), 'client_compromised');
    assert.equal(await tokenDeadReason(claims({ iat: Math.floor(NOW / 1000) }), sources({ client: rotated })), null);
  });
});
