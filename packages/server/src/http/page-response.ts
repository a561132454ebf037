import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../views/html';
import { noStore } from './no-store';

/**
 * Sends a server-rendered page with the headers SPEC §7 asks of every page: a strict
 * Content-Security-Policy (nothing from elsewhere; the style sheet and the Copy buttons' script are
 * Countersign's own, and load only by the page's nonce; no framing),
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, and no caching. There is no `form-action`
 * directive on purpose: the consent form's answer is a redirect to the client, which Chrome would
 * check against it.
 */
export function sendPage(reply: FastifyReply, status: number, render: (nonce: string) => SafeHtml): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  return noStore(reply)
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(render(nonce).toString());
}
