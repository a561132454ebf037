import type { ConnectedApp } from '../../core/dashboard/connected-apps';
import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { csrfField } from './form-fields';
import { timeTag } from './time-tag';

const c = dashboardCopy.connected;

/**
 * `GET /dashboard/connected-apps` (SPEC §7): every app the person authorized, with its stores,
 * permissions and dates, and a Revoke button after which everything issued to it fails at once.
 */
export function connectedAppsPage(frame: DashboardFrame, apps: readonly ConnectedApp[]): SafeHtml {
  return dashboardLayout(
    frame,
    c.title,
    html`<h1>${c.title}</h1>
<p class="sub">${c.lead}</p>
${
  apps.length === 0
    ? html`<p>${c.none}</p>`
    : html`<ul class="rows">${apps.map(
        (
          app,
        ) => html`<li><div class="row-head"><h2>${app.homepage ? html`<a href="${app.homepage}" rel="noopener noreferrer">${app.name}</a>` : app.name}</h2>
${app.developer ? html`<span class="hint">${c.by(app.developer)}</span>` : ''}</div>
<dl class="facts">
<dt>${c.stores}</dt><dd>${app.stores.map((s) => s.name).join(', ')}</dd>
<dt>${c.permissions}</dt><dd><ul class="plain">${app.permissions.map((p) => html`<li>${p.description}</li>`)}</ul></dd>
<dt>${c.since}</dt><dd>${timeTag(app.authorizedAt)}</dd>
${app.lastAuthorizedAt !== app.authorizedAt ? html`<dt>${c.last}</dt><dd>${timeTag(app.lastAuthorizedAt)}</dd>` : ''}
</dl>
<form method="post" action="/dashboard/connected-apps/${encodeURIComponent(app.clientId)}/revoke">${csrfField(frame.csrfToken)}
<button class="danger" type="submit" aria-label="${c.revokeLabel(app.name)}">${c.revoke}</button></form></li>`,
      )}</ul>`
}`,
  );
}
