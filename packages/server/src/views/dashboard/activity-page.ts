import type { NamedAuditEntry } from '../../core/dashboard/audit-names';
import type { StoreMembership } from '../../core/model/store-membership';
import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { storeTabs } from './store-pages';
import { timeTag } from './time-tag';

const c = dashboardCopy.activity;

export interface ActivityPageProps {
  /** The store whose log this is; undefined for the person's own log. */
  readonly store?: StoreMembership | undefined;
  readonly entries: readonly NamedAuditEntry[];
  /** The filters in force (audit actor spelling, action). */
  readonly filter: { readonly actor?: string | undefined; readonly action?: string | undefined };
  /** Who to filter by: the store's members and credentials, and the person themselves. */
  readonly actors: readonly { readonly value: string; readonly label: string }[];
  readonly actions: readonly string[];
  /** The page's own path, and the cursor of the next (older) page, if there is one. */
  readonly path: string;
  readonly olderCursor: string | null;
  readonly isFirstPage: boolean;
}

/** Who, as a person reads it: a name where there is one, else what the actor is. */
function whoOf(entry: NamedAuditEntry): string {
  if (entry.actorName) return entry.actorName;
  if (entry.actor === 'admin') return c.adminToken;
  if (entry.actor === 'system') return c.system;
  if (entry.actor === 'signup') return c.signup;
  if (entry.actor === 'cli') return c.cli;
  return entry.actor;
}

const query = (path: string, params: Record<string, string | undefined>) => {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return defined.length === 0 ? path : `${path}?${new URLSearchParams(defined)}`;
};

function entryItem(entry: NamedAuditEntry, p: ActivityPageProps): SafeHtml {
  const reason = entry.details.reason;
  const who = whoOf(entry);
  return html`<li class="entry"><div class="row-head"><h3>${c.action(entry.action)}: ${entry.subject ?? entry.target_id}</h3>${timeTag(entry.at)}</div>
<p>${c.by} <a href="${query(p.path, { actor: entry.actor, action: p.filter.action })}" title="${c.filterBy(who)}">${who}</a>${
    entry.mode ? html` · ${c.inMode(entry.mode)}` : ''
  }${typeof reason === 'string' ? html` · ${c.reason(reason)}` : ''}</p></li>`;
}

/** A store's audit log, or the person's own (SPEC §7 activity): newest first, paginated, filterable. */
export function activityPage(frame: DashboardFrame, p: ActivityPageProps): SafeHtml {
  const title = p.store ? c.storeTitle(p.store.name) : c.accountTitle;
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  const actors =
    p.filter.actor && !p.actors.some((a) => a.value === p.filter.actor)
      ? [...p.actors, { value: p.filter.actor, label: p.filter.actor }]
      : p.actors;
  return dashboardLayout(
    frame,
    title,
    html`<h1>${title}</h1>
<p class="sub">${p.store ? c.storeLead : c.accountLead}</p>
${p.store ? storeTabs(p.store, 'activity') : ''}
<form method="get" action="${p.path}" class="panel filters" aria-label="${c.filters}">
<div><label for="f-actor">${c.actorLabel}</label><select id="f-actor" name="actor">${option('', c.anyone, p.filter.actor)}${actors.map((a) => option(a.value, a.label, p.filter.actor))}</select></div>
<div><label for="f-action">${c.actionLabel}</label><select id="f-action" name="action">${option('', c.anything, p.filter.action)}${p.actions.map(
      (a) => option(a, c.action(a), p.filter.action),
    )}</select></div>
<div class="buttons"><button type="submit">${c.apply}</button>${p.filter.actor || p.filter.action ? html`<a href="${p.path}">${c.clear}</a>` : ''}</div>
</form>
${p.entries.length === 0 ? html`<p>${c.none}</p>` : html`<ul class="rows">${p.entries.map((e) => entryItem(e, p))}</ul>`}
<nav class="pager" aria-label="${c.pages}">
${p.isFirstPage ? html`<span></span>` : html`<a href="${query(p.path, { actor: p.filter.actor, action: p.filter.action })}">${c.newer}</a>`}
${p.olderCursor ? html`<a href="${query(p.path, { actor: p.filter.actor, action: p.filter.action, after: p.olderCursor })}">${c.older}</a>` : ''}
</nav>`,
  );
}
