import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';
import { publicHeader } from './public-header';

/**
 * `GET /docs/scopes` (SPEC §2, §7): the public scope reference that the metadata's
 * `service_documentation` points to: every permission scope with its plain words, and the
 * restriction scopes.
 */
export function scopeReferencePage(p: {
  readonly permissions: readonly { readonly scope: string; readonly description: string }[];
  readonly nonce: string;
}): SafeHtml {
  const c = copy.scopeReference;
  return pageLayout(
    c.title,
    html`<h1>${c.title}</h1>
<p class="sub">${c.lead}</p>
<section class="panel" aria-labelledby="permissions"><h2 id="permissions">${c.permissions}</h2>
<p class="hint">${c.permissionsHint}</p>
<ul class="scopes">${p.permissions.map(
      (s) =>
        html`<li id="scope-${s.scope}"><code>${s.scope}</code><br>${s.description}${
          s.scope === 'provisioning'
            ? html`<br><span class="hint">${c.provisioningNote}</span>`
            : s.scope === 'tokens.introspect'
              ? html`<br><span class="hint">${c.introspectNote}</span>`
              : ''
        }</li>`,
    )}</ul></section>
<section class="panel" aria-labelledby="restrictions"><h2 id="restrictions">${c.restrictions}</h2>
<p class="hint">${c.restrictionsHint}</p>
<ul class="scopes">${c.restrictionExamples.map((s) => html`<li><code>${s.scope}</code><br>${s.description}</li>`)}</ul></section>`,
    p.nonce,
    { width: 'wide', header: publicHeader() },
  );
}
