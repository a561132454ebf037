import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { describePermissions } from '../core/scopes/describe-permissions';
import { permissionCatalog } from '../core/scopes/permission-catalog';
import { COPY_BUTTON_SCRIPT } from '../views/assets/copy-button-script';
import { STYLE_SHEET } from '../views/assets/style-sheet';
import { landingPage } from '../views/landing-page';
import { scopeReferencePage } from '../views/scope-reference-page';
import { sendPage } from './page-response';

/**
 * Countersign's own files: the style sheet and the Copy buttons' script of every page (SPEC §7:
 * nothing is loaded from elsewhere). Their paths carry a digest of their content (views/assets/), so
 * they may be cached for good; `nosniff` keeps a browser from taking them for anything else.
 */
function sendAsset(reply: FastifyReply, contentType: string, body: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/**
 * The pages anyone may read: `/`, a landing page that links to the dashboard, the scope reference and
 * the metadata (not raw JSON); `/docs/scopes`, the public scope reference that the metadata's
 * `service_documentation` names (SPEC §2, §7); and the assets.
 */
export const siteRoutes: FastifyPluginAsync = async (app) => {
  const permissions = describePermissions(permissionCatalog.map((p) => p.scope));
  app.get('/', { config: { wire: 'page' } }, async (_request, reply) => sendPage(reply, 200, (nonce) => landingPage({ nonce })));
  app.get('/docs/scopes', { config: { wire: 'page' } }, async (_request, reply) =>
    sendPage(reply, 200, (nonce) => scopeReferencePage({ permissions, nonce })),
  );
  app.get('/assets/countersign.css', async (_request, reply) => sendAsset(reply, 'text/css; charset=utf-8', STYLE_SHEET));
  app.get('/assets/copy-button.js', async (_request, reply) => sendAsset(reply, 'text/javascript; charset=utf-8', COPY_BUTTON_SCRIPT));
};
