import { z } from 'zod';
import type { ValidationProblem } from '../../errors/record-errors';
import type { CredentialKind } from '../../model/client';
import { publicClientScopeProblems } from '../../scopes/public-clients-hold-no-provisioning';
import { defineCollection, type ProvisioningPolicy, storePaths } from '../collection-definition';
import { booleanField, expiresInField, jwksField, modeField, nameField, permissionScopesField, redirectUrisField } from '../field-schemas';
import { revokeFor } from '../grant-effects';
import { issueClientIdentity } from '../issue-client-identity';
import type { StoreModeRecordShape } from '../record-shapes';

const kind = z.enum(['sales_channel', 'integration', 'webapp'], { error: 'must be "sales_channel", "integration" or "webapp"' });

const fields = (policy: ProvisioningPolicy) => ({
  name: nameField,
  scopes: permissionScopesField,
  redirect_uris: redirectUrisField(policy, 0),
  /** Access-token lifetime of this credential (SPEC §3); `null` falls back to the kind's default. */
  expires_in: expiresInField(policy).nullable(),
  /** Public keys for the JWT bearer grant; `null` closes that grant. */
  jwks: jwksField.nullable(),
  password_grant: booleanField,
});

/** SPEC §5: a webapp signs staff in through the authorization endpoint, so it needs a redirect URI. */
const webappNeedsRedirectUri = (kindValue: unknown, redirectUris: unknown): ValidationProblem[] =>
  kindValue === 'webapp' && Array.isArray(redirectUris) && redirectUris.length === 0
    ? [{ pointer: '/redirect_uris', title: 'Invalid field', detail: 'a webapp needs 1–10 redirect URIs' }]
    : [];

/** The rules across a credential's fields, on create and on the record a patch leaves. */
const crossFieldProblems = (record: Readonly<Record<string, unknown>>): ValidationProblem[] => [
  ...webappNeedsRedirectUri(record.kind, record.redirect_uris),
  ...publicClientScopeProblems(record.kind === 'sales_channel', record.scopes),
];

/** Secrets are never part of the record: only their keyed hashes are stored, and they never leave storage. */
export type CredentialRecord = StoreModeRecordShape & {
  readonly kind: CredentialKind;
  readonly name: string;
  readonly client_id: string;
  readonly scopes: readonly string[];
  readonly redirect_uris: readonly string[];
  readonly expires_in: number | null;
  readonly jwks: { keys: Record<string, unknown>[] } | null;
  readonly password_grant: boolean;
  readonly previous_secret_expires_at: string | null;
};

/** A store's API clients (SPEC §1): sales channels are public, integrations and webapps confidential. */
export const credentialsCollection = defineCollection<CredentialRecord>()({
  name: 'credentials',
  targetType: 'credential',
  scope: 'store_mode',
  table: {
    name: 'credentials',
    flags: ['password_grant'],
    json: ['scopes', 'redirect_uris', 'jwks'],
    hidden: ['secret_hash', 'previous_secret_hash', 'tokens_invalid_before'],
  },
  paths: storePaths('credentials'),
  staleCaches: ['clients'],
  storeActor: 'allowed',
  // SPEC §7: the credentials of stores where the person is owner or admin; members may look.
  personAccess: { rule: 'store_role' },
  createSchema: (policy) =>
    z
      .strictObject({
        mode: modeField,
        kind,
        ...fields(policy),
        scopes: permissionScopesField.default([]),
        redirect_uris: redirectUrisField(policy, 0).default([]),
        expires_in: expiresInField(policy).nullable().default(null),
        jwks: jwksField.nullable().default(null),
        password_grant: booleanField.default(true),
      })
      .superRefine((input, ctx) => {
        for (const p of crossFieldProblems(input))
          ctx.addIssue({ code: 'custom', path: 'pointer' in p ? [p.pointer.slice(1)] : [], message: p.detail });
      }),
  updateSchema: (policy) => z.strictObject(fields(policy)).partial(),
  references: [],
  uniqueConflict: 'this client id is taken; try again',
  prepareCreate: async (input, tools) => {
    const identity = issueClientIdentity(tools, input.kind !== 'sales_channel');
    return { values: { ...input, ...identity.values }, ...(identity.secret === undefined ? {} : { secret: identity.secret }) };
  },
  checkPatched: crossFieldProblems,
  rotatesSecret: true,
  // SPEC §1: deleting a credential revokes every grant it holds (and its tokens without a grant die
  // with it: token-liveness.ts).
  effects: { onDelete: (ctx, credential) => revokeFor(ctx, { clientId: credential.client_id }, 'client_deleted') },
});
