import { importJWK } from 'jose';
import { z } from 'zod';
import { redirectSchemeAllowed } from '../authorize/https-redirect-rule';
import { isPermissionScope } from '../scopes/permission-catalog';
import type { ProvisioningPolicy } from './collection-definition';

/** The field formats shared by the provisioning collections (SPEC §5). */

export const modeField = z.enum(['test', 'live'], { error: 'must be "test" or "live"' });

export const idField = z.string({ error: 'must be a record id' }).min(1, 'must be a record id').max(64, 'must be a record id');

export const nameField = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const codeField = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of letters, digits, "_" and "-"');

export const slugField = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 lowercase letters, digits and "-", not starting with "-"');

export const currencyField = z.string({ error: 'must be a string' }).regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 capital letters');

/** Emails are compared lowercased (unique per store+mode for customers, globally for users). */
export const emailField = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters'));

export const passwordField = z
  .string({ error: 'must be a string' })
  .min(8, 'must be at least 8 characters')
  .max(1024, 'must be at most 1024 characters');

export const booleanField = z.boolean({ error: 'must be true or false' });

/** Catalog permission scopes only (SPEC §2: credentials and apps may only hold catalog scopes). */
export const permissionScopesField = z
  .array(z.string({ error: 'must be a string' }).refine(isPermissionScope, { error: 'is not a permission scope of the catalog' }), {
    error: 'must be a list of permission scopes',
  })
  .max(50, 'must hold at most 50 scopes')
  .superRefine((scopes, ctx) => duplicates(scopes, ctx));

/** `http(s)` URL with a host: a homepage. */
export const absoluteUrlField = z
  .string({ error: 'must be a string' })
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    const url = parse(value);
    return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  }, 'must be an absolute http(s) URL');

/**
 * Redirect URIs (RFC 6749 §3.1.2: absolute, no fragment). In production they must be https, except
 * on loopback hosts where native and development clients listen on http (RFC 8252 §7.3).
 */
export function redirectUrisField(policy: ProvisioningPolicy, min: number) {
  const uri = z
    .string({ error: 'must be a string' })
    .max(2000, 'must be at most 2000 characters')
    .superRefine((value, ctx) => {
      const url = parse(value);
      if (url === null || url.hostname === '' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      } else if (value.includes('#')) {
        ctx.addIssue({ code: 'custom', message: 'must not have a fragment (RFC 6749 §3.1.2)' });
      } else if (!redirectSchemeAllowed(url, policy.env)) {
        ctx.addIssue({ code: 'custom', message: 'must use https (http only on 127.0.0.1, [::1] or localhost)' });
      }
    });
  return z
    .array(uri, { error: 'must be a list of URLs' })
    .min(min, `must hold at least ${min} redirect URI${min === 1 ? '' : 's'}`)
    .max(10, 'must hold at most 10 redirect URIs')
    .superRefine((uris, ctx) => duplicates(uris, ctx));
}

export function expiresInField(policy: ProvisioningPolicy) {
  return z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(policy.tokenLifetimeMin, `must be at least ${policy.tokenLifetimeMin}`)
    .max(policy.tokenLifetimeMax, `must be at most ${policy.tokenLifetimeMax}`);
}

/** Members that make a JWK private (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Public keys for the JWT bearer grant (RFC 7523). Symmetric and private keys are refused: the
 * server must never hold a client's signing secret. Each key names its `alg` so the grant knows
 * what to accept, and must import with jose.
 */
export const jwksField = z
  .strictObject(
    {
      keys: z
        .array(z.record(z.string(), z.unknown(), { error: 'must be a JWK object' }), { error: 'must be a list of JWKs' })
        .min(1, 'must hold at least one key')
        .max(10, 'must hold at most 10 keys'),
    },
    { error: 'must be a JWK set {"keys": [...]}' },
  )
  .superRefine(async (jwks, ctx) => {
    for (const [index, key] of jwks.keys.entries()) {
      const path = ['keys', index];
      const privateMember = PRIVATE_MEMBERS.find((m) => m in key);
      if (key.kty === 'oct') ctx.addIssue({ code: 'custom', path, message: 'symmetric keys (kty "oct") are not accepted' });
      else if (privateMember !== undefined)
        ctx.addIssue({ code: 'custom', path, message: `must be a public key (it has the private member "${privateMember}")` });
      else if (typeof key.alg !== 'string' || key.alg === 'none' || /^HS/.test(key.alg))
        ctx.addIssue({ code: 'custom', path, message: 'must name an asymmetric "alg" (RS256, ES256, EdDSA, ...)' });
      else {
        try {
          await importJWK(key, key.alg);
        } catch {
          ctx.addIssue({ code: 'custom', path, message: 'is not a usable public JWK for its "alg"' });
        }
      }
    }
  });

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function duplicates(values: readonly string[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [index], message: 'is listed twice' });
    seen.add(value);
  });
}
