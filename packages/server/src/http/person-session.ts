import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mode } from '../core/ports';

/**
 * Who is signed in, kept in signed cookies (HMAC, @fastify/cookie) that are `HttpOnly` and
 * `SameSite=Lax`, and `Secure` in production. Staff and shoppers have separate cookies, and a
 * shopper's session names its store and mode: signing in to one store signs you in nowhere else.
 */
const STAFF_COOKIE = 'cs_staff';
const SHOPPER_COOKIE = 'cs_shopper';
const SESSION_SECONDS = 8 * 3600;

export type PersonSession =
  | { readonly type: 'user'; readonly id: string }
  | { readonly type: 'customer'; readonly id: string; readonly storeId: string; readonly mode: Mode };

interface Stored {
  t: 'user' | 'customer';
  id: string;
  s?: string;
  m?: Mode;
  exp: number;
}

function read(request: FastifyRequest, name: string, now: number): Stored | undefined {
  const value = request.cookies[name];
  if (!value) return undefined;
  const unsigned = request.unsignCookie(value);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  try {
    const stored = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Stored;
    return stored.exp * 1000 > now ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function readStaffSession(request: FastifyRequest, now: number): PersonSession | undefined {
  const stored = read(request, STAFF_COOKIE, now);
  return stored?.t === 'user' ? { type: 'user', id: stored.id } : undefined;
}

export function readShopperSession(request: FastifyRequest, storeId: string, mode: Mode, now: number): PersonSession | undefined {
  const stored = read(request, SHOPPER_COOKIE, now);
  if (stored?.t !== 'customer' || stored.s !== storeId || stored.m !== mode) return undefined;
  return { type: 'customer', id: stored.id, storeId, mode };
}

export function startSession(reply: FastifyReply, session: PersonSession, now: number, secure: boolean): void {
  const stored: Stored =
    session.type === 'user'
      ? { t: 'user', id: session.id, exp: Math.floor(now / 1000) + SESSION_SECONDS }
      : { t: 'customer', id: session.id, s: session.storeId, m: session.mode, exp: Math.floor(now / 1000) + SESSION_SECONDS };
  reply.setCookie(session.type === 'user' ? STAFF_COOKIE : SHOPPER_COOKIE, Buffer.from(JSON.stringify(stored)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

const FLASH_COOKIE = 'cs_flash';

/** A one-time message for the page after a 303 (post/redirect/get). */
export function setFlash(reply: FastifyReply, message: 'failed' | 'throttled', secure: boolean): void {
  reply.setCookie(FLASH_COOKIE, message, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 60 });
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): 'failed' | 'throttled' | undefined {
  const value = request.cookies[FLASH_COOKIE];
  if (value === undefined) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  return value === 'failed' || value === 'throttled' ? value : undefined;
}
