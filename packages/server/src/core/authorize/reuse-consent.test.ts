import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OAuthClient } from '../model/client';
import type { AuthorizationRequest } from './authorization-request';
import type { ConsentSubject } from './consent-subject';
import { reusableConsent } from './reuse-consent';

const request = (confidential: boolean) => ({ client: { clientId: 'c1', confidential } as OAuthClient }) as AuthorizationRequest;
const subject: ConsentSubject = {
  owner: { type: 'user', id: 'u1' },
  scope: 'stores.view',
  permissions: ['stores.view'],
  stores: [
    { id: 's1', slug: 'one', name: 'One' },
    { id: 's2', slug: 'two', name: 'Two' },
  ],
};
const deps = (sets: string[][]) => ({ grants: { liveGrantStoreSets: async () => sets }, clock: { now: () => 0 } });

test('SPEC §3: a confidential client approved before with the same scope is approved again, on those stores only', async () => {
  assert.deepEqual(
    (await reusableConsent(request(true), subject, deps([['s2']])))?.stores.map((s) => s.id),
    ['s2'],
  );
});

test('never for a public client, nor without an earlier approval whose stores the person still manages', async () => {
  assert.equal(await reusableConsent(request(false), subject, deps([['s1']])), undefined);
  assert.equal(await reusableConsent(request(true), subject, deps([])), undefined);
  assert.equal(await reusableConsent(request(true), subject, deps([['s1', 's3']])), undefined);
});
