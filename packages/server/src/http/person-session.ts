import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mode } from '../core/model/mode';
import type { OwnerType } from '../core/model/owner';
import type { SessionPerson } from '../core/model/session-person';
import { SESSION_SECONDS, type SignInSessions } from '../core/people/sign-in-sessions';

/**
 * The session cookie of the sign-in pages: a signed (HMAC, @fastify/cookie) random session id,
 * `HttpOnly`, `SameSite=Lax`, `Secure` in production. Staff and shoppers have separate cookies. What
 * the session is, and when it ends, is core/people/sign-in-sessions.ts.
 */
const STAFF_COOKIE = 'cs_staff';
const SHOPPER_COOKIE = 'cs_shopper';

export type PersonSession = SessionPerson;

export type SessionWanted = { readonly type: 'user' } | { readonly type: 'customer'; readonly storeId: string; readonly mode: Mode };

const cookieOf = (type: OwnerType) => (type === 'user' ? STAFF_COOKIE : SHOPPER_COOKIE);

function sessionId(request: FastifyRequest, type: OwnerType): string | undefined {
  const value = request.cookies[cookieOf(type)];
  if (!value) return undefined;
  const unsigned = request.unsignCookie(value);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** The signed-in person the page needs (staff, or a shopper of this store and mode), if any. */
export async function readSession(
  request: FastifyRequest,
  sessions: SignInSessions,
  wanted: SessionWanted,
): Promise<PersonSession | undefined> {
  const id = sessionId(request, wanted.type);
  return id === undefined ? undefined : sessions.resume(id, wanted);
}

export async function startSession(reply: FastifyReply, sessions: SignInSessions, person: PersonSession, secure: boolean): Promise<void> {
  const id = await sessions.start(person);
  reply.setCookie(cookieOf(person.type), id, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_SECONDS });
}

/** Sign-out (SPEC §3): the session ends server side, and the cookie goes. */
export async function endSession(request: FastifyRequest, reply: FastifyReply, sessions: SignInSessions, type: OwnerType) {
  const id = sessionId(request, type);
  if (id !== undefined) await sessions.end(id);
  reply.clearCookie(cookieOf(type), { path: '/' });
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
