import { z } from 'zod';
import type { ValidationProblem } from '../../errors/record-errors';
import { publicClientScopeProblems } from '../../scopes/public-clients-hold-no-provisioning';
import type { CollectionDefinition, ProvisioningPolicy } from '../collection-definition';
import { booleanField, expiresInField, jwksField, modeField, nameField, permissionScopesField, redirectUrisField } from '../field-schemas';
import { issueClientIdentity } from '../issue-client-identity';

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

/** A store's API clients (SPEC §1): sales channels are public, integrations and webapps confidential. */
export const credentialsCollection: CollectionDefinition = {
  name: 'credentials',
  targetType: 'credential',
  scope: 'store_mode',
  storeActor: 'allowed',
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
  rotatable: true,
};
