import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Role } from '../model/role';
import { appsCollection } from './collections/apps-collection';
import { credentialsCollection } from './collections/credentials-collection';
import { checkPersonAccess, roleMayChange } from './person-access-rule';
import type { UserActor } from './provisioning-actor';

const dana: UserActor = { kind: 'user', userId: 'dana' };
/** A reader whose store has these roles. */
const roles = (byUser: Record<string, Role>) => ({
  list: async (_table: unknown, scope: { fields?: Readonly<Record<string, string>> }) => {
    const role = byUser[scope.fields?.user_id ?? ''];
    return role === undefined ? [] : [{ id: 'm', role }];
  },
});
const rejectsWith = (name: string) => (error: Error) => error.name === name;

test('SPEC §7: in a store, owners and admins change; members may look', async () => {
  assert.deepEqual((['owner', 'admin', 'member'] as const).map(roleMayChange), [true, true, false]);
  for (const role of ['owner', 'admin'] as const) {
    await checkPersonAccess(roles({ dana: role }), dana, credentialsCollection, 'rotate_secret', 's1');
  }
  await checkPersonAccess(roles({ dana: 'member' }), dana, credentialsCollection, 'list', 's1');
  await checkPersonAccess(roles({ dana: 'member' }), dana, credentialsCollection, 'read', 's1');
  for (const operation of ['create', 'update', 'delete', 'rotate_secret'] as const) {
    await assert.rejects(
      checkPersonAccess(roles({ dana: 'member' }), dana, credentialsCollection, operation, 's1'),
      rejectsWith('NotAllowedError'),
    );
  }
  await assert.rejects(
    checkPersonAccess(roles({}), dana, credentialsCollection, 'list', 's1'),
    rejectsWith('RecordNotFoundError'),
    'no role: no store',
  );
});

test('SPEC §7: a person’s apps are theirs alone: made for themselves, never handed to someone else', async () => {
  const none = roles({});
  await checkPersonAccess(none, dana, appsCollection, 'create', undefined, { owner_user_id: 'dana' });
  await assert.rejects(
    checkPersonAccess(none, dana, appsCollection, 'create', undefined, { owner_user_id: 'eve' }),
    rejectsWith('NotAllowedError'),
  );
  await assert.rejects(checkPersonAccess(none, dana, appsCollection, 'create', undefined, {}), rejectsWith('NotAllowedError'));
  await checkPersonAccess(none, dana, appsCollection, 'update', undefined, { name: 'New name' });
  await assert.rejects(
    checkPersonAccess(none, dana, appsCollection, 'update', undefined, { owner_user_id: 'eve' }),
    rejectsWith('NotAllowedError'),
  );
});

test('other actors are not a person: the rule leaves them to check-access.ts', async () => {
  await checkPersonAccess(roles({}), { kind: 'admin' }, credentialsCollection, 'delete', 's1');
});
