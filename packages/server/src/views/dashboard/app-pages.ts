import { html, type SafeHtml } from '../html';
import { clientActions } from './client-actions';
import type { ClientView } from './client-view';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { checkboxGroup, csrfField, type FormState, problemSummary, radioGroup, textArea, textField } from './form-fields';
import { permissionChoices } from './permission-choices';
import { timeTag } from './time-tag';

const c = dashboardCopy.apps;

/** An app as the dashboard shows it. */
export interface AppView extends ClientView {
  readonly description: string;
  readonly homepage: string;
  readonly confidential: boolean;
}

const typeOf = (app: AppView) => (app.confidential ? c.confidential : c.public);

/** `GET /dashboard/apps`: the developer's apps. */
export function appsPage(frame: DashboardFrame, apps: readonly AppView[]): SafeHtml {
  return dashboardLayout(
    frame,
    c.title,
    html`<h1>${c.title}</h1>
<p class="sub">${c.lead}</p>
<p><a class="button primary" href="/dashboard/apps/new">${c.register}</a></p>
${
  apps.length === 0
    ? html`<p>${c.none}</p>`
    : html`<ul class="rows">${apps.map(
        (
          app,
        ) => html`<li><div class="row-head"><h2><a href="/dashboard/apps/${app.id}" aria-label="${c.details(app.name)}">${app.name}</a></h2>
<span class="tag">${typeOf(app)}</span></div>
${app.description ? html`<p>${app.description}</p>` : ''}
<dl class="facts"><dt>${c.clientId}</dt><dd><code>${app.clientId}</code></dd><dt>${c.created}</dt><dd>${timeTag(app.createdAt)}</dd></dl></li>`,
      )}</ul>`
}`,
  );
}

export interface AppFormProps {
  readonly form: FormState;
  /** Editing an existing app: its id and name (the type is fixed then). */
  readonly editing?: { readonly id: string; readonly name: string } | undefined;
}

const labels = {
  name: c.name,
  description: c.description,
  homepage: c.homepage,
  scopes: c.scopesLegend,
  redirect_uris: c.redirects,
  confidential: c.typeLegend,
};

/** `GET /dashboard/apps/new` and `/dashboard/apps/{id}/edit`: every field, with its problems beside it. */
export function appFormPage(frame: DashboardFrame, p: AppFormProps): SafeHtml {
  const title = p.editing ? c.editTitle(p.editing.name) : c.newTitle;
  return dashboardLayout(
    frame,
    title,
    html`<h1>${title}</h1>
${problemSummary(p.form, labels)}
<form method="post" action="${p.editing ? `/dashboard/apps/${p.editing.id}/edit` : '/dashboard/apps'}" novalidate class="panel">
${csrfField(frame.csrfToken)}
${textField(p.form, { name: 'name', label: c.name, hint: c.nameHint, required: true })}
${textArea(p.form, { name: 'description', label: c.description, hint: c.descriptionHint, rows: 3 })}
${textField(p.form, { name: 'homepage', label: c.homepage, hint: c.homepageHint, type: 'url', inputmode: 'url', required: true })}
${checkboxGroup(p.form, { name: 'scopes', legend: c.scopesLegend, hint: c.scopesHint, choices: permissionChoices, columns: 2 })}
${textArea(p.form, { name: 'redirect_uris', label: c.redirects, hint: c.redirectsHint, rows: 4, required: true })}
${
  p.editing
    ? html`<p class="hint">${c.typeFixed}</p>`
    : radioGroup(p.form, {
        name: 'confidential',
        legend: c.typeLegend,
        choices: [
          { value: 'confidential', label: c.confidentialLabel, detail: c.confidentialHint },
          { value: 'public', label: c.publicLabel, detail: c.publicHint },
        ],
      })
}
<div class="buttons"><button class="primary" type="submit">${p.editing ? c.save : c.submit}</button>
<a href="${p.editing ? `/dashboard/apps/${p.editing.id}` : '/dashboard/apps'}">${dashboardCopy.confirm.cancel}</a></div>
</form>`,
  );
}

/** `GET /dashboard/apps/{id}`: the app, and what can be done with it: edit, rotate the secret, delete. */
export function appPage(frame: DashboardFrame, app: AppView): SafeHtml {
  return dashboardLayout(
    frame,
    app.name,
    html`<h1>${app.name}</h1>
${app.description ? html`<p class="sub">${app.description}</p>` : ''}
<div class="panel"><dl class="facts">
<dt>${c.clientId}</dt><dd><code>${app.clientId}</code></dd>
<dt>${c.type}</dt><dd>${typeOf(app)}</dd>
<dt>${c.homepage}</dt><dd><a href="${app.homepage}" rel="noopener noreferrer">${app.homepage}</a></dd>
<dt>${c.redirects}</dt><dd><ul class="plain">${app.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}</ul></dd>
<dt>${c.scopes}</dt><dd><ul class="plain">${app.permissions.map((s) => html`<li>${s.description} <code>${s.scope}</code></li>`)}</ul></dd>
<dt>${c.created}</dt><dd>${timeTag(app.createdAt)}</dd>
</dl>
<p><a class="button" href="/dashboard/apps/${app.id}/edit">${c.edit}</a></p></div>
${clientActions({ base: `/dashboard/apps/${app.id}`, confidential: app.confidential, csrfToken: frame.csrfToken, copy: c })}`,
  );
}
