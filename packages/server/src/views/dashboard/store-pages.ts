import type { CredentialKind } from '../../core/model/client';
import type { Mode } from '../../core/model/mode';
import type { StoreMembership } from '../../core/model/store-membership';
import { roleMayChange } from '../../core/provisioning/person-access-rule';
import { html, type SafeHtml } from '../html';
import { clientActions } from './client-actions';
import type { ClientView } from './client-view';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { checkbox, checkboxGroup, csrfField, type FormState, problemSummary, radioGroup, textArea, textField } from './form-fields';
import { permissionChoices } from './permission-choices';
import { timeTag } from './time-tag';

const c = dashboardCopy;

/** A store credential as the dashboard shows it. */
export interface CredentialView extends ClientView {
  readonly kind: CredentialKind;
  readonly mode: Mode;
  readonly expiresIn: number | null;
}

const storePath = (store: StoreMembership) => `/dashboard/stores/${store.id}`;
const manages = (store: StoreMembership) => roleMayChange(store.role);

/** `GET /dashboard/stores`: the stores where the person has a role, with their role. */
export function storesPage(frame: DashboardFrame, stores: readonly StoreMembership[]): SafeHtml {
  return dashboardLayout(
    frame,
    c.stores.title,
    html`<h1>${c.stores.title}</h1>
<p class="sub">${c.stores.lead}</p>
${
  stores.length === 0
    ? html`<p>${c.stores.none}</p>`
    : html`<ul class="rows">${stores.map(
        (store) => html`<li><div class="row-head"><h2>${store.name}</h2><span class="tag">${c.stores.role(store.role)}</span></div>
<p><a href="${storePath(store)}/credentials">${c.stores.credentials}</a> · <a href="${storePath(store)}/activity">${c.stores.activity}</a></p></li>`,
      )}</ul>`
}`,
  );
}

/** The tabs of a store's pages: credentials by mode, and the activity log. */
export function storeTabs(store: StoreMembership, current: Mode | 'activity'): SafeHtml {
  const tab = (href: string, label: string, on: boolean) => html`<a href="${href}"${on ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="tabs" aria-label="${store.name}">
${tab(`${storePath(store)}/credentials?mode=live`, `${c.stores.credentials}: ${c.credentials.mode('live')}`, current === 'live')}
${tab(`${storePath(store)}/credentials?mode=test`, `${c.stores.credentials}: ${c.credentials.mode('test')}`, current === 'test')}
${tab(`${storePath(store)}/activity`, c.stores.activity, current === 'activity')}</nav>`;
}

const lifetimeOf = (credential: CredentialView) =>
  credential.expiresIn === null ? c.credentials.defaultLifetime : c.credentials.seconds(credential.expiresIn);

/** `GET /dashboard/stores/{id}/credentials?mode=…` (SPEC §7): one mode's credentials; create for owners and admins. */
export function credentialsPage(
  frame: DashboardFrame,
  p: { store: StoreMembership; mode: Mode; credentials: readonly CredentialView[] },
): SafeHtml {
  const title = c.credentials.title(p.store.name);
  return dashboardLayout(
    frame,
    title,
    html`<h1>${title}</h1>
<p class="sub">${c.credentials.lead}</p>
${storeTabs(p.store, p.mode)}
${
  manages(p.store)
    ? html`<p><a class="button primary" href="${storePath(p.store)}/credentials/new?mode=${p.mode}">${c.credentials.create}</a></p>`
    : html`<p class="notice">${c.stores.lookOnly}</p>`
}
${
  p.credentials.length === 0
    ? html`<p>${c.credentials.none(p.mode)}</p>`
    : html`<ul class="rows">${p.credentials.map(
        (
          cred,
        ) => html`<li><div class="row-head"><h2><a href="${storePath(p.store)}/credentials/${cred.id}" aria-label="${c.credentials.details(cred.name)}">${cred.name}</a></h2>
<span class="tag">${c.credentials.kind(cred.kind)}</span></div>
<dl class="facts"><dt>${c.credentials.clientId}</dt><dd><code>${cred.clientId}</code></dd><dt>${c.credentials.created}</dt><dd>${timeTag(cred.createdAt)}</dd></dl></li>`,
      )}</ul>`
}`,
  );
}

export interface CredentialFormProps {
  readonly store: StoreMembership;
  readonly mode: Mode;
  readonly form: FormState;
  readonly lifetime: { readonly min: number; readonly max: number };
}

const KINDS: readonly CredentialKind[] = ['sales_channel', 'integration', 'webapp'];

/** `GET /dashboard/stores/{id}/credentials/new?mode=…`: kind, name, permissions, redirect URLs, lifetime. */
export function credentialFormPage(frame: DashboardFrame, p: CredentialFormProps): SafeHtml {
  const f = c.credentials;
  const title = f.newTitle(p.store.name, p.mode);
  return dashboardLayout(
    frame,
    title,
    html`<h1>${title}</h1>
${problemSummary(p.form, { kind: f.kindLegend, name: f.name, scopes: f.scopesLegend, redirect_uris: f.redirects, expires_in: f.lifetime })}
<form method="post" action="${storePath(p.store)}/credentials" novalidate class="panel">
${csrfField(frame.csrfToken)}
<input type="hidden" name="mode" value="${p.mode}">
${radioGroup(p.form, { name: 'kind', legend: f.kindLegend, choices: KINDS.map((k) => ({ value: k, label: f.kind(k), detail: f.kindHint(k) })) })}
${textField(p.form, { name: 'name', label: f.name, hint: f.nameHint, required: true })}
${checkboxGroup(p.form, { name: 'scopes', legend: f.scopesLegend, hint: f.scopesHint, choices: permissionChoices, columns: 2 })}
${textArea(p.form, { name: 'redirect_uris', label: f.redirects, hint: f.redirectsHint, rows: 3 })}
${textField(p.form, { name: 'expires_in', label: f.lifetime, hint: f.lifetimeHint(p.lifetime.min, p.lifetime.max), inputmode: 'numeric' })}
${checkbox(p.form, { name: 'password_grant', label: f.passwordGrant })}
<div class="buttons"><button class="primary" type="submit">${f.submit}</button>
<a href="${storePath(p.store)}/credentials?mode=${p.mode}">${c.confirm.cancel}</a></div>
</form>`,
  );
}

/** `GET /dashboard/stores/{id}/credentials/{cid}`: the credential; rotate and delete for owners and admins. */
export function credentialPage(frame: DashboardFrame, p: { store: StoreMembership; credential: CredentialView }): SafeHtml {
  const f = c.credentials;
  const cred = p.credential;
  const base = `${storePath(p.store)}/credentials/${cred.id}`;
  return dashboardLayout(
    frame,
    cred.name,
    html`<h1>${cred.name}</h1>
<p class="sub">${p.store.name} · ${c.credentials.mode(cred.mode)} · ${f.kind(cred.kind)}</p>
${storeTabs(p.store, cred.mode)}
<div class="panel"><dl class="facts">
<dt>${f.clientId}</dt><dd><code>${cred.clientId}</code></dd>
<dt>${f.scopesLegend}</dt><dd>${
      cred.permissions.length === 0
        ? '—'
        : html`<ul class="plain">${cred.permissions.map((s) => html`<li>${s.description} <code>${s.scope}</code></li>`)}</ul>`
    }</dd>
<dt>${f.redirects}</dt><dd>${cred.redirectUris.length === 0 ? '—' : html`<ul class="plain">${cred.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}</ul>`}</dd>
<dt>${f.lifetime}</dt><dd>${lifetimeOf(cred)}</dd>
<dt>${f.created}</dt><dd>${timeTag(cred.createdAt)}</dd>
</dl></div>
${
  !manages(p.store)
    ? html`<p class="notice">${c.stores.lookOnly}</p>`
    : clientActions({ base, confidential: cred.kind !== 'sales_channel', csrfToken: frame.csrfToken, copy: f })
}`,
  );
}
