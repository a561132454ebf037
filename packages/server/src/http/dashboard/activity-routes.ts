import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseAuditLogQuery } from '../../core/audit/parse-audit-log-query';
import { clientActor, personActor } from '../../core/model/audit-actor';
import type { AuditEntryRecord, AuditLogQuery } from '../../core/model/audit-log';
import { type ActivityPageProps, activityPage } from '../../views/dashboard/activity-page';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { actorOf, sendDashboardPage, signedInUser } from './dashboard-session';
import { memberStore } from './member-store';

const c = dashboardCopy.activity;
const PAGE_SIZE = 20;

type ActivityQuery = { actor?: string; action?: string; after?: string };

/** The filters and cursor of the page's query, checked by the provisioning API's own parser (SPEC §5). */
const logQuery = (query: ActivityQuery): AuditLogQuery =>
  parseAuditLogQuery({
    'page[size]': String(PAGE_SIZE),
    ...(query.after ? { 'page[after]': query.after } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
  });

/**
 * Activity (SPEC §7): a store's audit log for anyone with a role there (members may look), and the
 * person's own log outside any store; newest first, a page at a time, filterable by who and what.
 * Both read the log the provisioning API reads (SPEC §5 `audit_entries`): every write, authorization
 * and revocation, whatever path made it.
 */
export const activityRoutes: FastifyPluginAsync<
  Pick<DashboardRoutesOptions, 'records' | 'memberships' | 'accountActivity' | 'nameEntries'>
> = async (app, o) => {
  const show = async (
    request: FastifyRequest<{ Querystring: ActivityQuery }>,
    reply: FastifyReply,
    entries: AuditEntryRecord[],
    p: Pick<ActivityPageProps, 'store' | 'actors' | 'actions' | 'path'>,
  ) => {
    const named = await o.nameEntries(entries);
    const you = personActor({ type: 'user', id: signedInUser(request).id });
    // Who can be filtered by: the person, the actors of the store (p.actors), and whoever is on this page.
    const seen = named.filter((e) => e.actorName !== null).map((e) => ({ value: e.actor, label: e.actorName as string }));
    const actors = [{ value: you, label: c.you }, ...p.actors, ...seen].filter(
      (a, i, all) => all.findIndex((b) => b.value === a.value) === i,
    );
    return sendDashboardPage(request, reply, p.store ? 'stores' : 'activity', (frame) =>
      activityPage(frame, {
        ...p,
        actors,
        entries: named,
        filter: { actor: request.query.actor || undefined, action: request.query.action || undefined },
        olderCursor: entries.length === PAGE_SIZE ? (entries[entries.length - 1]?.id ?? null) : null,
        isFirstPage: !request.query.after,
      }),
    );
  };

  app.get<{ Params: { storeId: string }; Querystring: ActivityQuery }>('/dashboard/stores/:storeId/activity', async (request, reply) => {
    const store = await memberStore(o.memberships, request);
    const actor = actorOf(request);
    const entries = await o.records.listAuditEntries(actor, store.id, logQuery(request.query));
    const credentials = await o.records.list(actor, 'credentials', store.id);
    return show(request, reply, entries, {
      store,
      actors: [
        ...credentials.map((cred) => ({
          value: clientActor(String(cred.client_id)),
          label: `${String(cred.name)} (${String(cred.mode)})`,
        })),
        { value: 'admin', label: c.adminToken },
      ],
      actions: c.storeActions,
      path: `/dashboard/stores/${store.id}/activity`,
    });
  });

  app.get<{ Querystring: ActivityQuery }>('/dashboard/activity', async (request, reply) => {
    const entries = await o.accountActivity(signedInUser(request).id, logQuery(request.query));
    return show(request, reply, entries, {
      actors: [
        { value: 'admin', label: c.adminToken },
        { value: 'signup', label: c.signup },
      ],
      actions: c.accountActions,
      path: '/dashboard/activity',
    });
  });
};
