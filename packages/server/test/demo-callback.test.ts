import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp } from './support/test-app';

test('the demo callback shows what the client received, escaped, with the page headers; absent without the demo', async () => {
  const t = await startTestApp({ env: { COUNTERSIGN_DEMO: '1' } });
  try {
    const res = await t.app.inject({ method: 'GET', url: '/demo/callback?code=abc&state=%3Cscript%3Ex%3C%2Fscript%3E' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<code>abc<\/code>/);
    assert.match(res.body, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.doesNotMatch(res.body, /<script>/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
  } finally {
    await t.close();
  }
  const off = await startTestApp();
  try {
    assert.equal((await off.app.inject({ method: 'GET', url: '/demo/callback?code=abc' })).statusCode, 404);
  } finally {
    await off.close();
  }
});
