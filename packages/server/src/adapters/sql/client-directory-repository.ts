import type { Kysely } from 'kysely';
import type { OAuthClient } from '../../core/model/client';
import type { ClientDirectory } from '../../core/ports/client-directory';
import type { Database } from './database-schema';
import { fromIso } from './iso-time';

/** Reads OAuth clients (store credentials, then apps) by client id for the token and authorize paths. */
export function clientDirectoryRepository(db: Kysely<Database>): ClientDirectory {
  return {
    async findByClientId(clientId) {
      const credential = await db
        .selectFrom('credentials')
        .innerJoin('stores', 'stores.id', 'credentials.store_id')
        .selectAll('credentials')
        .select('stores.slug as store_slug')
        .where('credentials.client_id', '=', clientId)
        .executeTakeFirst();
      if (credential) {
        return {
          id: credential.id,
          clientId: credential.client_id,
          kind: credential.kind,
          confidential: credential.kind !== 'sales_channel',
          name: credential.name,
          scopes: JSON.parse(credential.scopes),
          redirectUris: JSON.parse(credential.redirect_uris),
          secretHash: credential.secret_hash,
          previousSecretHash: credential.previous_secret_hash,
          previousSecretExpiresAt: credential.previous_secret_expires_at ? fromIso(credential.previous_secret_expires_at) : null,
          store: { id: credential.store_id, slug: credential.store_slug },
          mode: credential.mode,
          expiresIn: credential.expires_in,
          jwks: credential.jwks ? JSON.parse(credential.jwks) : null,
          passwordGrant: credential.password_grant === 1,
          ownerUserId: null,
          appProfile: null,
          tokensInvalidBefore: credential.tokens_invalid_before ? fromIso(credential.tokens_invalid_before) : null,
        } satisfies OAuthClient;
      }
      const app = await db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      if (!app) return undefined;
      return {
        id: app.id,
        clientId: app.client_id,
        kind: 'app',
        confidential: app.confidential === 1,
        name: app.name,
        scopes: JSON.parse(app.scopes),
        redirectUris: JSON.parse(app.redirect_uris),
        secretHash: app.secret_hash,
        previousSecretHash: app.previous_secret_hash,
        previousSecretExpiresAt: app.previous_secret_expires_at ? fromIso(app.previous_secret_expires_at) : null,
        store: null,
        mode: 'live',
        expiresIn: null,
        jwks: null,
        passwordGrant: false,
        ownerUserId: app.owner_user_id,
        appProfile: { description: app.description, homepage: app.homepage },
        tokensInvalidBefore: app.tokens_invalid_before ? fromIso(app.tokens_invalid_before) : null,
      } satisfies OAuthClient;
    },
  };
}
