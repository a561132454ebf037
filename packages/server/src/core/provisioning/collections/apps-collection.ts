import { z } from 'zod';
import { publicClientScopeProblems } from '../../scopes/public-clients-hold-no-provisioning';
import { defineCollection, type ProvisioningPolicy, serverPaths } from '../collection-definition';
import { absoluteUrlField, idField, nameField, permissionScopesField, redirectUrisField } from '../field-schemas';
import { revokeFor } from '../grant-effects';
import { issueClientIdentity } from '../issue-client-identity';
import type { RecordShape } from '../record-shapes';

const fields = (policy: ProvisioningPolicy) => ({
  owner_user_id: idField,
  name: nameField,
  description: z.string({ error: 'must be a string' }).trim().max(2000, 'must be at most 2000 characters'),
  homepage: absoluteUrlField,
  scopes: permissionScopesField,
  redirect_uris: redirectUrisField(policy, 1),
});

/** Secrets are never part of the record: only their keyed hashes are stored, and they never leave storage. */
export type AppRecord = RecordShape & {
  readonly owner_user_id: string;
  readonly name: string;
  readonly description: string;
  readonly homepage: string;
  readonly client_id: string;
  readonly scopes: readonly string[];
  readonly redirect_uris: readonly string[];
  readonly confidential: boolean;
  readonly previous_secret_expires_at: string | null;
};

/**
 * Third-party apps (SPEC §1), owned by a user and bound to no store; server-wide, so admin only.
 * `confidential` defaults to true (the server-side code exchange with `X-Client-Secret`) and is fixed
 * at creation: a public app becoming confidential would need a secret it never had.
 */
export const appsCollection = defineCollection<AppRecord>()({
  name: 'apps',
  targetType: 'app',
  scope: 'global',
  table: {
    name: 'apps',
    flags: ['confidential'],
    json: ['scopes', 'redirect_uris'],
    hidden: ['secret_hash', 'previous_secret_hash', 'tokens_invalid_before'],
  },
  paths: serverPaths('apps'),
  staleCaches: ['clients'],
  storeActor: 'forbidden',
  // SPEC §7: a developer registers and manages their own apps in the dashboard.
  personAccess: { rule: 'own', field: 'owner_user_id' },
  createSchema: (policy) =>
    z
      .strictObject({
        ...fields(policy),
        description: fields(policy).description.default(''),
        scopes: permissionScopesField.default([]),
        confidential: z.boolean({ error: 'must be true or false' }).default(true),
      })
      .superRefine((input, ctx) => {
        for (const p of publicClientScopeProblems(!input.confidential, input.scopes))
          ctx.addIssue({ code: 'custom', path: ['scopes'], message: p.detail });
      }),
  updateSchema: (policy) => z.strictObject(fields(policy)).partial(),
  references: [{ field: 'owner_user_id', collection: 'users' }],
  uniqueConflict: 'this client id is taken; try again',
  prepareCreate: async (input, tools) => {
    const identity = issueClientIdentity(tools, input.confidential === true);
    return { values: { ...input, ...identity.values }, ...(identity.secret === undefined ? {} : { secret: identity.secret }) };
  },
  checkPatched: (patched) => publicClientScopeProblems(patched.confidential === false, patched.scopes),
  rotatesSecret: true,
  // SPEC §1: deleting an app revokes every grant it holds, API keys included.
  effects: { onDelete: (ctx, app) => revokeFor(ctx, { clientId: app.client_id }, 'client_deleted') },
});
