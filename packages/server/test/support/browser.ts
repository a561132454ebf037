import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { TEST_ADMIN_TOKEN } from './test-config';

/**
 * Helpers for the tests that drive the pages with a real browser: Debian's Chromium through
 * playwright-core (no browser is ever downloaded), a tiny client application that receives the
 * redirect, and the provisioning API called over HTTP as an operator would.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Every wait in these tests ends; a hung page fails the test instead of the run. */
export const WAIT_MS = 10_000;

/**
 * Why the browser tests cannot run, or `undefined` when they can. In CI a missing Chromium is an
 * error (.ci/run installs it), never a quiet skip; elsewhere the tests skip with a loud warning.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const message = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium); the browser tests cannot run`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI must install it: see .ci/run.`);
  console.warn(`\n!!! ${message}: SKIPPING them. !!!\n`);
  return message;
}

export interface TestBrowser {
  readonly context: BrowserContext;
  /** A fresh page in a clean cookie jar (nobody signed in). */
  freshPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh temporary profile that is deleted on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'countersign-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
    viewport: { width: 900, height: 900 },
  });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return {
    context,
    async freshPage() {
      for (const open of context.pages()) await open.close();
      await context.clearCookies();
      return context.newPage();
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface ClientApp {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `http://127.0.0.1:<port>/callback`, the redirect URI to register. */
  readonly callbackUrl: string;
  /** The query strings the callback received, in order. */
  readonly received: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * The "client application": a node:http server on 127.0.0.1 whose `/callback` shows the query it
 * received (the test reads `page.url()`; the page is there so a person would see where they landed).
 */
export async function startClientApp(): Promise<ClientApp> {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    received.push(url.searchParams);
    const rows = [...url.searchParams].map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>Callback</title><h1>Back at the client</h1><table>${rows}</table>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    callbackUrl: `${origin}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `fetch` that never waits forever. */
export const fetchWithTimeout = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) });

/** The provisioning API over HTTP with the bootstrap admin token; asserts 201 and returns the record. */
export function provisioningClient(issuer: string) {
  return async <T = Record<string, unknown>>(path: string, body: Record<string, unknown>): Promise<T> => {
    const res = await fetchWithTimeout(`${issuer}/provisioning/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 201, `POST ${path}: ${text}`);
    return JSON.parse(text) as T;
  };
}

/** An RFC 7636 S256 pair. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs in on the sign-in page shown, as a person would: the labelled fields, then the button. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Clicks Approve on the consent page, unless the server skipped consent (SPEC §3 allows it for a
 * confidential client already approved with the same scope and stores) and the browser is already
 * back at the client.
 */
export async function approveUnlessSkipped(page: Page): Promise<void> {
  const approve = page.getByRole('button', { name: 'Approve' });
  await approve.or(page.getByRole('heading', { name: 'Back at the client' })).waitFor();
  if (await approve.isVisible()) await approve.click();
}

/** Waits until the browser is on the client's callback, and returns that URL. */
export async function landOnCallback(page: Page, client: ClientApp): Promise<URL> {
  await page.waitForURL((url) => url.origin === client.origin && url.pathname === '/callback', { timeout: WAIT_MS });
  await page.getByRole('heading', { name: 'Back at the client' }).waitFor();
  return new URL(page.url());
}

/**
 * Calls the reference API (SPEC §6) with `token`. Answers `undefined` when the route itself does not
 * exist yet on this server (the server's own "No route" 404), so the caller can say so and check the
 * token another way; any other answer must be 200.
 */
export async function callReferenceApi(issuer: string, path: string, token: string): Promise<unknown | undefined> {
  const res = await fetchWithTimeout(`${issuer}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status === 404 && text.includes('No route for')) return undefined;
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}
