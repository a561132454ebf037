import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { RecordValidationError } from '../../core/errors/record-errors';
import type { CredentialKind } from '../../core/model/client';
import type { Mode } from '../../core/model/mode';
import type { StoreMembership } from '../../core/model/store-membership';
import type { ProvisionedRecord } from '../../core/ports/provisioning-store';
import { requireRoleMayChange } from '../../core/provisioning/person-access-rule';
import { describePermissions } from '../../core/scopes/describe-permissions';
import { confirmPage } from '../../views/dashboard/confirm-page';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import type { FormState } from '../../views/dashboard/form-fields';
import { rotatedSecretProps, secretPage } from '../../views/dashboard/secret-page';
import { type CredentialView, credentialFormPage, credentialPage, credentialsPage, storesPage } from '../../views/dashboard/store-pages';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { actorOf, sendDashboardPage, setNotice, signedInUser } from './dashboard-session';
import { formBody, formProblems, given, lines, ticked, typedValues } from './form-input';
import { memberStore } from './member-store';

const c = dashboardCopy.credentials;
const FIELDS = ['kind', 'name', 'scopes', 'redirect_uris', 'expires_in', 'password_grant'];

/** A credential record (SPEC §5 `/stores/{id}/credentials`) as the pages show it. */
const credentialView = (record: ProvisionedRecord): CredentialView => ({
  id: record.id,
  kind: record.kind as CredentialKind,
  mode: record.mode as Mode,
  name: String(record.name),
  clientId: String(record.client_id),
  permissions: describePermissions(record.scopes as string[]),
  redirectUris: record.redirect_uris as string[],
  expiresIn: typeof record.expires_in === 'number' ? record.expires_in : null,
  createdAt: String(record.created_at),
});

const modeOf = (value: unknown): Mode => (value === 'test' ? 'test' : 'live');

/** The form as the record it stands for; a lifetime that is not a number is passed on for the schema to name. */
function credentialInput(body: Readonly<Record<string, string>>): Record<string, unknown> {
  const lifetime = given(body.expires_in)?.trim();
  return {
    mode: modeOf(body.mode),
    kind: given(body.kind),
    name: body.name ?? '',
    scopes: ticked(body, 'scopes'),
    redirect_uris: lines(body.redirect_uris),
    expires_in: lifetime === undefined ? null : /^\d{1,12}$/.test(lifetime) ? Number(lifetime) : lifetime,
    password_grant: body.password_grant === 'on',
  };
}

interface StoreParams {
  storeId: string;
}
interface CredentialParams extends StoreParams {
  id: string;
}

/**
 * Store credentials (SPEC §7), for each store where the person has a role: per mode, create a sales
 * channel, integration or webapp (the secret shown once), rotate, delete. Owners and admins change;
 * members may look, and their forms are refused by the core (person-access-rule.ts) whatever they post.
 */
export const storeRoutes: FastifyPluginAsync<
  Pick<DashboardRoutesOptions, 'records' | 'memberships' | 'secureCookies' | 'lifetime'>
> = async (app, o) => {
  const storeOf = (request: FastifyRequest<{ Params: StoreParams }>) => memberStore(o.memberships, request);
  const managedStoreOf = async (request: FastifyRequest<{ Params: StoreParams }>) => {
    const store = await storeOf(request);
    requireRoleMayChange(store.role);
    return store;
  };
  const readCredential = async (request: FastifyRequest<{ Params: CredentialParams }>) =>
    credentialView(await o.records.read(actorOf(request), 'credentials', request.params.storeId, request.params.id));
  const base = (store: StoreMembership) => `/dashboard/stores/${store.id}/credentials`;
  const showForm = (request: FastifyRequest, reply: FastifyReply, status: number, store: StoreMembership, mode: Mode, form: FormState) =>
    sendDashboardPage(request, reply, 'stores', (frame) => credentialFormPage(frame, { store, mode, form, lifetime: o.lifetime }), status);

  app.get('/dashboard/stores', async (request, reply) => {
    const stores = await o.memberships(signedInUser(request).id);
    return sendDashboardPage(request, reply, 'stores', (frame) => storesPage(frame, stores));
  });

  app.get<{ Params: StoreParams }>('/dashboard/stores/:storeId', async (request, reply) =>
    reply.redirect(`${base(await storeOf(request))}?mode=live`, 303),
  );

  app.get<{ Params: StoreParams; Querystring: { mode?: string } }>('/dashboard/stores/:storeId/credentials', async (request, reply) => {
    const store = await storeOf(request);
    const mode = modeOf(request.query.mode);
    const credentials = (await o.records.list(actorOf(request), 'credentials', store.id, mode)).map(credentialView);
    return sendDashboardPage(request, reply, 'stores', (frame) => credentialsPage(frame, { store, mode, credentials }));
  });

  app.get<{ Params: StoreParams; Querystring: { mode?: string } }>('/dashboard/stores/:storeId/credentials/new', async (request, reply) =>
    showForm(request, reply, 200, await managedStoreOf(request), modeOf(request.query.mode), {
      values: { password_grant: 'on' },
      problems: {},
    }),
  );

  app.post<{ Params: StoreParams }>(
    '/dashboard/stores/:storeId/credentials',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const store = await storeOf(request);
      const body = formBody(request.body);
      const input = credentialInput(body);
      try {
        const created = await o.records.create(actorOf(request), 'credentials', store.id, input);
        const view = credentialView(created.record);
        return sendDashboardPage(request, reply, 'stores', (frame) =>
          secretPage(frame, {
            title: dashboardCopy.secret.credentialCreatedTitle(view.name),
            clientId: view.clientId,
            secret: created.secret,
            continueTo: `${base(store)}/${view.id}`,
          }),
        );
      } catch (error) {
        if (!(error instanceof RecordValidationError)) throw error;
        return showForm(request, reply, 422, store, modeOf(body.mode), {
          values: typedValues(body),
          problems: formProblems(error, input, FIELDS),
        });
      }
    },
  );

  app.get<{ Params: CredentialParams }>('/dashboard/stores/:storeId/credentials/:id', async (request, reply) => {
    const store = await storeOf(request);
    const credential = await readCredential(request);
    return sendDashboardPage(request, reply, 'stores', (frame) => credentialPage(frame, { store, credential }));
  });

  app.post<{ Params: CredentialParams }>(
    '/dashboard/stores/:storeId/credentials/:id/rotate',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const store = await storeOf(request);
      const compromised = formBody(request.body).compromised === 'on';
      const view = await readCredential(request);
      const rotated = await o.records.rotateSecret(actorOf(request), 'credentials', store.id, view.id, { compromised });
      return sendDashboardPage(request, reply, 'stores', (frame) =>
        secretPage(
          frame,
          rotatedSecretProps({ name: view.name, clientId: view.clientId, rotated, compromised, continueTo: `${base(store)}/${view.id}` }),
        ),
      );
    },
  );

  app.get<{ Params: CredentialParams }>('/dashboard/stores/:storeId/credentials/:id/delete', async (request, reply) => {
    const store = await managedStoreOf(request);
    const view = await readCredential(request);
    return sendDashboardPage(request, reply, 'stores', (frame) =>
      confirmPage(frame, {
        title: c.deleteTitle(view.name),
        warning: c.deleteWarning,
        action: `${base(store)}/${view.id}/delete`,
        confirm: c.deleteConfirm,
        cancelTo: `${base(store)}/${view.id}`,
      }),
    );
  });

  app.post<{ Params: CredentialParams }>(
    '/dashboard/stores/:storeId/credentials/:id/delete',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const store = await storeOf(request);
      const view = await readCredential(request);
      await o.records.remove(actorOf(request), 'credentials', store.id, view.id);
      setNotice(reply, c.deleted(view.name), o.secureCookies);
      return reply.redirect(`${base(store)}?mode=${view.mode}`, 303);
    },
  );
};
