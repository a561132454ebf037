import { z } from 'zod';
import type { CollectionDefinition, ProvisioningPolicy } from '../../core/provisioning/collection-definition';
import type { OpenApiOperation } from './openapi-operation';

/** A zod schema as the JSON Schema 2020-12 that OpenAPI 3.1 takes (what the body may be, before defaults). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const json = (schema: Record<string, unknown>, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problems = (description: string) => json(ref('Errors'), description);

/** The answers every authenticated provisioning route may give besides its own. */
const common = {
  '401': problems('No bearer token, or one that is not valid here (`WWW-Authenticate: Bearer`)'),
  '403': problems('The token may not do this (another store, a test-mode token changing a server-wide record, ...)'),
};

const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});

/** `{storeId}` and `{id}`, as the route's path names them. */
function parametersOf(def: CollectionDefinition, item: boolean): Record<string, unknown>[] {
  const path = item ? def.paths.item : def.paths.base;
  return [
    ...(path.includes(':storeId')
      ? [pathParameter('storeId', def.name === 'stores' ? 'The store' : 'The store the record belongs to')]
      : []),
    ...(path.includes(':id') ? [pathParameter('id', `The ${def.targetType}`)] : []),
  ];
}

/**
 * The record as the API answers it: the fields it was created with (never a password or a hash), plus
 * `id`, `created_at`, `updated_at` and what the server adds (a client's `client_id`).
 */
function recordSchema(def: CollectionDefinition, create: Record<string, unknown>): Record<string, unknown> {
  const { password: _password, ...fields } = (create.properties ?? {}) as Record<string, unknown>;
  return {
    type: 'object',
    required: ['id', 'created_at', 'updated_at'],
    properties: {
      id: { type: 'string' },
      ...fields,
      ...(def.rotatesSecret || def.name === 'credentials' ? { client_id: { type: 'string' } } : {}),
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
    },
    additionalProperties: true,
  };
}

const pageSize = (maximum: number, fallback: number) => ({
  name: 'page[size]',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum, default: fallback },
  description: 'How many records one page holds',
});
const pageAfter = {
  name: 'page[after]',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: 'The cursor of the next page, as `links.next` carries it',
};

/** `page[size]` and `page[after]` (JSON:API cursor pagination). */
export const pageParameters: Record<string, unknown>[] = [pageSize(500, 100), pageAfter];

export const listSchema = (item: Record<string, unknown>) => ({
  type: 'object',
  required: ['data', 'links'],
  properties: {
    data: { type: 'array', items: item },
    links: {
      type: 'object',
      required: ['next'],
      properties: { next: { type: ['string', 'null'], description: 'The next page, or null at the end of the list' } },
    },
  },
});

/** The five operations of a collection (create, list, read, update, delete) and, for clients, `rotate_secret`. */
export function collectionOperations(
  def: CollectionDefinition,
  policy: ProvisioningPolicy,
): Record<'create' | 'list' | 'read' | 'update' | 'delete' | 'rotateSecret', OpenApiOperation> {
  const create = jsonSchemaOf(def.createSchema(policy) as z.ZodType);
  const update = jsonSchemaOf(def.updateSchema(policy) as z.ZodType);
  const record = recordSchema(def, create);
  const tags = [def.name];
  const one = def.targetType;
  const created =
    def.name === 'credentials' || def.name === 'apps'
      ? {
          ...record,
          properties: {
            ...(record.properties as object),
            client_secret: { type: 'string', description: 'Confidential clients only: shown this once' },
          },
        }
      : record;
  return {
    create: {
      summary: `Create a ${one}`,
      tags,
      parameters: parametersOf(def, false),
      requestBody: { required: true, content: { 'application/json': { schema: create } } },
      responses: {
        '201': json(created, `The ${one}, in full`),
        ...common,
        '404': problems('The store does not exist'),
        '409': problems('A unique key is taken, or a rule across records refuses it'),
        '422': problems('The body is not valid: every problem, each with its JSON pointer'),
      },
    },
    list: {
      summary: `List ${def.name.replace(/_/g, ' ')}`,
      description: 'Oldest first, a page at a time.',
      tags,
      parameters: [
        ...parametersOf(def, false),
        ...pageParameters,
        ...(def.scope === 'store_mode'
          ? [
              {
                name: 'mode',
                in: 'query',
                required: false,
                schema: { type: 'string', enum: ['test', 'live'] },
                description: 'Only this mode',
              },
            ]
          : []),
      ],
      responses: {
        '200': json(listSchema(record), 'One page'),
        ...common,
        '404': problems('The store does not exist'),
        '422': problems('A bad page parameter'),
      },
    },
    read: {
      summary: `Read a ${one}`,
      tags,
      parameters: parametersOf(def, true),
      responses: { '200': json(record, `The ${one}`), ...common, '404': problems(`No such ${one} (for this token)`) },
    },
    update: {
      summary: `Update a ${one}`,
      description: 'Only the fields given change.',
      tags,
      parameters: parametersOf(def, true),
      requestBody: { required: true, content: { 'application/json': { schema: update } } },
      responses: {
        '200': json(record, `The ${one} after the change`),
        ...common,
        '404': problems(`No such ${one}`),
        '409': problems('A unique key is taken, or a rule across records refuses it'),
        '422': problems('The body is not valid'),
      },
    },
    delete: {
      summary: `Delete a ${one}`,
      tags,
      parameters: parametersOf(def, true),
      responses: { '204': { description: 'Deleted' }, ...common, '404': problems(`No such ${one}`), '409': problems('Still referenced') },
    },
    rotateSecret: {
      summary: `Rotate the ${one}'s secret`,
      description:
        'A new secret; the old one keeps working until `previous_secret_expires_at`, or stops at once with `{"compromised": true}`, which also ends every token the client obtained.',
      tags,
      parameters: parametersOf(def, true),
      requestBody: {
        required: false,
        content: { 'application/json': { schema: { type: 'object', properties: { compromised: { type: 'boolean', default: false } } } } },
      },
      responses: {
        '200': json(
          {
            type: 'object',
            required: ['client_secret', 'previous_secret_expires_at'],
            properties: { client_secret: { type: 'string' }, previous_secret_expires_at: { type: 'string', format: 'date-time' } },
          },
          'The new secret, shown this once',
        ),
        ...common,
        '404': problems(`No such ${one}`),
        '409': problems('A public client has no secret'),
      },
    },
  };
}

const grantRecord = {
  type: 'object',
  required: ['id', 'client_id', 'mode', 'store_ids', 'scope', 'created_at', 'expires_at', 'revoked_at'],
  properties: {
    id: { type: 'string' },
    client_id: { type: 'string' },
    client_kind: { type: 'string', enum: ['sales_channel', 'integration', 'webapp', 'app'] },
    mode: { type: 'string', enum: ['test', 'live'] },
    owner_type: { type: ['string', 'null'], enum: ['customer', 'user', null] },
    owner_id: { type: ['string', 'null'] },
    store_ids: { type: 'array', items: { type: 'string' } },
    scope: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
    expires_at: { type: 'string', format: 'date-time' },
    revoked_at: { type: ['string', 'null'], format: 'date-time' },
    revoked_reason: { type: ['string', 'null'] },
  },
};

/** The routes that are not a collection's: grants, the audit log, key rotation. */
export const actionOperations = {
  listGrants: {
    summary: 'List the grants of a user or a client',
    description: 'Exactly one of `user_id` and `client_id`. Oldest first, revoked ones included.',
    tags: ['grants'],
    parameters: [
      { name: 'user_id', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'client_id', in: 'query', required: false, schema: { type: 'string' } },
      ...pageParameters,
    ],
    responses: {
      '200': json(listSchema(grantRecord), 'One page'),
      ...common,
      '422': problems('Neither or both filters, or a bad page parameter'),
    },
  },
  revokeGrant: {
    summary: 'Revoke a grant',
    description:
      'Every token issued under it (refresh tokens, API keys, access tokens) stops working. Revoking a revoked grant changes nothing.',
    tags: ['grants'],
    parameters: [pathParameter('id', 'The grant')],
    responses: { '204': { description: 'Revoked' }, ...common, '404': problems('No such grant (for this token)') },
  },
  auditEntries: {
    summary: "Read a store's audit log",
    description: 'Newest first: every write, authorization and revocation, by any path.',
    tags: ['audit'],
    parameters: [
      pathParameter('storeId', 'The store'),
      { name: 'actor', in: 'query', required: false, schema: { type: 'string' }, description: 'Only entries by this actor' },
      {
        name: 'action',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'Only this action (`credential.create`, ...)',
      },
      pageSize(100, 25),
      pageAfter,
    ],
    responses: {
      '200': json(listSchema({ type: 'object', required: ['id', 'action', 'at'], additionalProperties: true }), 'One page'),
      ...common,
      '404': problems('No such store'),
      '422': problems('A bad parameter'),
    },
  },
  rotateKeys: {
    summary: 'Rotate the signing keys',
    description:
      'The admin token only. The next key becomes current; the old one is kept while tokens it signed live, or dropped at once with `{"compromised": true}`, which also revokes everything it signed.',
    tags: ['keys'],
    requestBody: {
      required: false,
      content: { 'application/json': { schema: { type: 'object', properties: { compromised: { type: 'boolean', default: false } } } } },
    },
    responses: {
      '200': json(
        {
          type: 'object',
          required: ['current_kid', 'retired_kid', 'compromised'],
          properties: { current_kid: { type: 'string' }, retired_kid: { type: ['string', 'null'] }, compromised: { type: 'boolean' } },
        },
        'The keys now',
      ),
      ...common,
    },
  },
} satisfies Record<string, OpenApiOperation>;
