import { html, type SafeHtml } from '../html';
import { checkbox, csrfField, emptyForm } from './form-fields';

/** The words of a client's actions: an app's or a credential's (dashboard-copy.ts). */
export interface ClientActionsCopy {
  readonly rotate: string;
  readonly rotateHint: string;
  readonly compromised: string;
  readonly publicNoSecret: string;
  readonly delete: string;
  readonly deleteWarning: string;
}

/**
 * What can be done with a client, an app or a credential alike: rotate its secret (with SPEC §5's
 * overlap, or at once when it leaked; a public client has none), and delete it (after a confirmation
 * page, since it ends everything issued to it). `base` is the client's page.
 */
export function clientActions(p: { base: string; confidential: boolean; csrfToken: string; copy: ClientActionsCopy }): SafeHtml {
  const c = p.copy;
  return html`<section class="panel" aria-labelledby="rotate-heading"><h2 id="rotate-heading">${c.rotate}</h2>
${
  p.confidential
    ? html`<p class="hint">${c.rotateHint}</p>
<form method="post" action="${p.base}/rotate">${csrfField(p.csrfToken)}
${checkbox(emptyForm, { name: 'compromised', label: c.compromised })}
<div class="buttons"><button type="submit">${c.rotate}</button></div></form>`
    : html`<p>${c.publicNoSecret}</p>`
}</section>
<section class="panel" aria-labelledby="delete-heading"><h2 id="delete-heading">${c.delete}</h2>
<p class="hint">${c.deleteWarning}</p>
<p><a class="button danger" href="${p.base}/delete">${c.delete}</a></p></section>`;
}
