/**
 * The wire formats errors are rendered in, one renderer each (DESIGN.md: errors mapped in one place
 * per wire). A route declares its own in `config.wire`; requests that match no route get theirs from
 * the route table (build-app.ts).
 * - `oauth`: RFC 6749 §5.2 `{error, error_description}` plus the JSON:API `errors` array (SPEC §3);
 * - `jsonapi` (default): `{errors: [{status, code, title, detail, source?}]}` (provisioning, health);
 * - `page`: the authorization endpoint and its forms: a redirect back to the client when RFC 6749
 *   allows one, otherwise an HTML error page;
 * - `exchange`: the app exchange's envelope `{success, message, code, data}` (SPEC §3);
 * - `dashboard`: the dashboard's pages (SPEC §7): an HTML page saying what went wrong, never a redirect.
 */
export type WireFormat = 'oauth' | 'jsonapi' | 'page' | 'exchange' | 'dashboard';

declare module 'fastify' {
  interface FastifyContextConfig {
    wire?: WireFormat;
  }
}
