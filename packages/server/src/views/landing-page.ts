import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';
import { publicHeader } from './public-header';

/** `GET /`: what this server is, and where to go: the dashboard, the scope reference, the metadata. */
export function landingPage(p: { readonly nonce: string }): SafeHtml {
  const c = copy.landing;
  return pageLayout(
    copy.product,
    html`<h1>${c.title}</h1>
<p class="sub">${c.lead}</p>
<ul class="links">
<li><a href="/dashboard"><strong>${c.dashboard}</strong>${c.dashboardHint}</a></li>
<li><a href="/docs/scopes"><strong>${c.scopes}</strong>${c.scopesHint}</a></li>
<li><a href="/.well-known/oauth-authorization-server"><strong>${c.metadata}</strong>${c.metadataHint}</a></li>
</ul>`,
    p.nonce,
    { width: 'wide', header: publicHeader() },
  );
}
