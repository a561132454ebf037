import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

/** SPEC §5: every list of the provisioning API is paginated with `page[size]`, `page[after]` and `links.next` (JSON:API). */
for (const dialect of await testDialects()) {
  describe(`provisioning lists, a page at a time, on ${dialect}`, () => {
    let t: TestApp;
    let storeId: string;
    const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, ...(payload ? { payload } : {}) });

    before(async () => {
      t = await startTestApp({ dialect });
      const store = await call('POST', '/provisioning/v1/stores', { slug: 'paged', name: 'Paged', currency: 'EUR' });
      storeId = store.json().id;
      for (let i = 0; i < 5; i++) {
        const res = await call('POST', `/provisioning/v1/stores/${storeId}/customer_groups`, {
          mode: i < 4 ? 'test' : 'live',
          name: `Group ${i}`,
        });
        assert.equal(res.statusCode, 201, res.body);
        t.clock.advance(i % 2); // pairs share a millisecond: the cursor must tell them apart by id
      }
    });
    after(() => t.close());

    test('links.next walks the whole list once, keeping the filters', async () => {
      const names: string[] = [];
      let url: string | null = `/provisioning/v1/stores/${storeId}/customer_groups?mode=test&page[size]=3`;
      let pages = 0;
      while (url !== null) {
        const res = await call('GET', url);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { data: { name: string; mode: string }[]; links: { next: string | null } };
        assert.ok(body.data.every((g) => g.mode === 'test'));
        names.push(...body.data.map((g) => g.name));
        url = body.links.next;
        if (url !== null)
          assert.match(url, /^\/provisioning\/v1\/stores\/[^?]+\/customer_groups\?mode=test&page%5Bsize%5D=3&page%5Bafter%5D=/);
        pages++;
      }
      // Each record once; records of the same millisecond come in id order, so compare as a set.
      assert.deepEqual([...names].sort(), ['Group 0', 'Group 1', 'Group 2', 'Group 3']);
      assert.equal(pages, 2);
    });

    test('without page[size] a list answers up to 100 records and links.next null at its end', async () => {
      const res = await call('GET', `/provisioning/v1/stores/${storeId}/customer_groups`);
      assert.equal(res.json().data.length, 5);
      assert.deepEqual(res.json().links, { next: null });
    });

    test('a bad page[size] or page[after] is a 422 naming the parameter', async () => {
      for (const [query, parameter] of [
        ['page[size]=0', 'page[size]'],
        ['page[size]=501', 'page[size]'],
        ['page[size]=abc', 'page[size]'],
        ['page[after]=not-a-cursor!', 'page[after]'],
        ['page[after]=bm90IGpzb24', 'page[after]'],
      ] as const) {
        const res = await call('GET', `/provisioning/v1/stores/${storeId}/customer_groups?${query}`);
        assert.equal(res.statusCode, 422, query);
        assert.equal(res.json().errors[0].source.parameter, parameter, query);
      }
    });

    test('the grants list is paginated too', async () => {
      const res = await call('GET', '/provisioning/v1/grants?client_id=nobody&page[size]=1');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { data: [], links: { next: null } });
    });
  });
}
