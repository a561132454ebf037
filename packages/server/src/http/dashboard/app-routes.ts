import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { RecordValidationError } from '../../core/errors/record-errors';
import type { ProvisionedRecord } from '../../core/ports/provisioning-store';
import { describePermissions } from '../../core/scopes/describe-permissions';
import { type AppView, appFormPage, appPage, appsPage } from '../../views/dashboard/app-pages';
import { confirmPage } from '../../views/dashboard/confirm-page';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import type { FormState } from '../../views/dashboard/form-fields';
import { rotatedSecretProps, secretPage } from '../../views/dashboard/secret-page';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { actorOf, sendDashboardPage, setNotice, signedInUser } from './dashboard-session';
import { formBody, formProblems, given, lines, ticked, typedValues } from './form-input';

const c = dashboardCopy.apps;
const FIELDS = ['name', 'description', 'homepage', 'scopes', 'redirect_uris', 'confidential'];

/** An app record (SPEC §5 `/apps`) as the pages show it. */
export const appView = (record: ProvisionedRecord): AppView => ({
  id: record.id,
  name: String(record.name),
  description: String(record.description ?? ''),
  homepage: String(record.homepage),
  clientId: String(record.client_id),
  permissions: describePermissions(record.scopes as string[]),
  redirectUris: record.redirect_uris as string[],
  confidential: record.confidential === true,
  createdAt: String(record.created_at),
});

/** The form as the record it stands for: what the person typed, in the provisioning API's shape. */
function appInput(body: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    name: body.name ?? '',
    description: body.description ?? '',
    homepage: given(body.homepage),
    scopes: ticked(body, 'scopes'),
    redirect_uris: lines(body.redirect_uris),
  };
}

/** The form showing a record as it is (editing). */
const appForm = (app: AppView): FormState => ({
  values: {
    name: app.name,
    description: app.description,
    homepage: app.homepage,
    redirect_uris: app.redirectUris.join('\n'),
    ...Object.fromEntries(app.permissions.map((p) => [`scopes_${p.scope}`, 'on'])),
  },
  problems: {},
});

interface Params {
  id: string;
}

/**
 * A developer's apps (SPEC §7): list, register (the client id and secret shown once), edit, rotate the
 * secret (with SPEC §5's overlap, or at once when it leaked), delete (which revokes everything issued
 * to it). Every write goes through the provisioning service as the person (person-access-rule.ts: an
 * app is theirs or does not exist for them), so its validation, audit entry and grant effects are the
 * API's own.
 */
export const appRoutes: FastifyPluginAsync<Pick<DashboardRoutesOptions, 'records' | 'secureCookies'>> = async (app, o) => {
  const read = async (request: FastifyRequest<{ Params: Params }>) =>
    appView(await o.records.read(actorOf(request), 'apps', undefined, request.params.id));
  const showForm = (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState, editing?: AppView) =>
    sendDashboardPage(request, reply, 'apps', (frame) => appFormPage(frame, { form, editing }), status);

  app.get('/dashboard/apps', async (request, reply) => {
    const apps = (await o.records.list(actorOf(request), 'apps', undefined)).map(appView);
    return sendDashboardPage(request, reply, 'apps', (frame) => appsPage(frame, apps));
  });

  app.get('/dashboard/apps/new', async (request, reply) =>
    showForm(request, reply, 200, { values: { confidential: 'confidential' }, problems: {} }),
  );

  app.post('/dashboard/apps', { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const input = { ...appInput(body), owner_user_id: signedInUser(request).id, confidential: body.confidential !== 'public' };
    try {
      const created = await o.records.create(actorOf(request), 'apps', undefined, input);
      const view = appView(created.record);
      return sendDashboardPage(request, reply, 'apps', (frame) =>
        secretPage(frame, {
          title: dashboardCopy.secret.createdTitle(view.name),
          clientId: view.clientId,
          secret: created.secret,
          continueTo: `/dashboard/apps/${view.id}`,
        }),
      );
    } catch (error) {
      if (!(error instanceof RecordValidationError)) throw error;
      return showForm(request, reply, 422, { values: typedValues(body), problems: formProblems(error, input, FIELDS) });
    }
  });

  app.get<{ Params: Params }>('/dashboard/apps/:id', async (request, reply) => {
    const view = await read(request);
    return sendDashboardPage(request, reply, 'apps', (frame) => appPage(frame, view));
  });

  app.get<{ Params: Params }>('/dashboard/apps/:id/edit', async (request, reply) => {
    const view = await read(request);
    return showForm(request, reply, 200, appForm(view), view);
  });

  app.post<{ Params: Params }>('/dashboard/apps/:id/edit', { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const input = appInput(body);
    try {
      const updated = await o.records.update(actorOf(request), 'apps', undefined, request.params.id, input);
      setNotice(reply, c.saved, o.secureCookies);
      return reply.redirect(`/dashboard/apps/${updated.id}`, 303);
    } catch (error) {
      if (!(error instanceof RecordValidationError)) throw error;
      return showForm(
        request,
        reply,
        422,
        { values: typedValues(body), problems: formProblems(error, input, FIELDS) },
        await read(request),
      );
    }
  });

  app.post<{ Params: Params }>('/dashboard/apps/:id/rotate', { preHandler: app.csrfProtection }, async (request, reply) => {
    const compromised = formBody(request.body).compromised === 'on';
    const view = await read(request);
    const rotated = await o.records.rotateSecret(actorOf(request), 'apps', undefined, view.id, { compromised });
    return sendDashboardPage(request, reply, 'apps', (frame) =>
      secretPage(
        frame,
        rotatedSecretProps({ name: view.name, clientId: view.clientId, rotated, compromised, continueTo: `/dashboard/apps/${view.id}` }),
      ),
    );
  });

  app.get<{ Params: Params }>('/dashboard/apps/:id/delete', async (request, reply) => {
    const view = await read(request);
    return sendDashboardPage(request, reply, 'apps', (frame) =>
      confirmPage(frame, {
        title: c.deleteTitle(view.name),
        warning: c.deleteWarning,
        action: `/dashboard/apps/${view.id}/delete`,
        confirm: c.deleteConfirm,
        cancelTo: `/dashboard/apps/${view.id}`,
      }),
    );
  });

  app.post<{ Params: Params }>('/dashboard/apps/:id/delete', { preHandler: app.csrfProtection }, async (request, reply) => {
    const view = await read(request);
    await o.records.remove(actorOf(request), 'apps', undefined, view.id);
    setNotice(reply, c.deleted(view.name), o.secureCookies);
    return reply.redirect('/dashboard/apps', 303);
  });
};
