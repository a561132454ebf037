import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';

/**
 * The ceiling: what one Node.js process with Fastify can answer on this machine when it does nothing
 * but read a token request and send a token-sized JSON answer (no client check, no signature, no
 * storage, no logs). Every real server's figure is read as a fraction of this one.
 */
const port = Number(process.env.BENCH_PORT);
// About the size of Countersign's answer: an ES256 JWT of ~800 characters and the usual fields.
const accessToken = `eyJ${randomBytes(600).toString('base64url')}`;

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.get('/readyz', async () => ({ ok: true }));
app.post('/token', async (_request, reply) => {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 7200,
    scope: 'stores.view',
    created_at: Math.floor(Date.now() / 1000),
  };
});
await app.listen({ host: '127.0.0.1', port });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
