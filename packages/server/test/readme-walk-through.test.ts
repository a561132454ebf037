import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from './support/listening-app';

const repository = new URL('../../..', import.meta.url).pathname;
const serverDir = join(repository, 'packages/server');

/**
 * The README's walk-through, as a newcomer pastes it: its `sh` blocks are taken from README.md itself
 * and run in order by bash against a server started as `npm start` starts it, with the demo.env that
 * start wrote. Two things differ from a person at a terminal, and only these: `source data/demo.env`
 * sources this test's own data directory, and every curl fails on an HTTP error (`--fail-with-body`),
 * so that a step answering 4xx fails the test instead of scrolling past. Where the README asks for a
 * code from the browser (`read -r -p 'code: ' CODE`), this test is the browser: it opens the URL the
 * walk-through just printed, signs in as the demo staff user, approves, and types the code in.
 */

/** The walk-through's commands: every ```sh block between its heading and the next section. */
export function walkThroughScript(readme: string): string {
  const start = readme.indexOf('## Walk-through with curl');
  assert.ok(start >= 0, 'the README has a walk-through');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.ok(blocks.length >= 8, `found ${blocks.length} sh blocks`);
  return blocks.join('\n');
}

/** A browser's part of the authorization step: cookies, the sign-in form, the consent form. */
class Browser {
  readonly #cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async #request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.origin), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  #post(url: string, fields: Record<string, string>): Promise<Response> {
    return this.#request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Opens the authorization URL, signs in if asked, approves for every store offered; the code. */
  async authorize(url: string, email: string, password: string): Promise<string> {
    let page = await this.#request(url);
    let html = await page.text();
    if (html.includes('name="password"')) {
      const signedIn = await this.#post('/oauth/signin', { ...hiddenFields(html), email, password });
      assert.equal(signedIn.status, 303, await signedIn.text());
      page = await this.#request(signedIn.headers.get('location') as string);
      html = await page.text();
    }
    assert.equal(page.status, 200, html);
    const fields: Record<string, string> = { ...hiddenFields(html), decision: 'approve' };
    for (const m of html.matchAll(/name="(store_[^"]+)"/g)) fields[m[1] as string] = 'on';
    const decided = await this.#post('/oauth/consent', fields);
    assert.equal(decided.status, 303, await decided.text());
    const code = new URL(decided.headers.get('location') as string).searchParams.get('code');
    assert.ok(code, `no code in ${decided.headers.get('location')}`);
    return code;
  }
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1] as string] = (m[2] as string).replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
  return fields;
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('source ')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

describe('the README walk-through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-readme-'));
  let server: ChildProcess | undefined;
  after(() => {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('pastes end to end against a freshly started server, every request answering 2xx', async () => {
    const sqlitePath = join(dir, 'countersign.sqlite');
    const env = {
      PORT: String(await freePort()),
      COUNTERSIGN_SQLITE_PATH: sqlitePath,
      COUNTERSIGN_LOG_LEVEL: 'warn',
      // The development defaults, as on a fresh clone.
      COUNTERSIGN_ADMIN_TOKEN: '',
      COUNTERSIGN_KEY_ENCRYPTION_KEY: '',
      COUNTERSIGN_ENV: '',
      COUNTERSIGN_ISSUER: '',
      COUNTERSIGN_DEMO: '',
      HOST: '',
    };
    const started = await startServer(env);
    server = started.child;
    const demoEnv = join(dir, 'demo.env');
    const values = Object.fromEntries(
      [...readFileSync(demoEnv, 'utf8').matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );

    const readme = readFileSync(join(repository, 'README.md'), 'utf8');
    const script = walkThroughScript(readme);
    assert.ok(script.includes('source data/demo.env'));
    const file = join(dir, 'walk-through.sh');
    writeFileSync(
      file,
      [
        'set -euo pipefail',
        'curl() { command curl --fail-with-body "$@"; }',
        script.replace('source data/demo.env', `source ${JSON.stringify(demoEnv)}`),
      ].join('\n'),
    );

    const run = spawn('bash', [file], { cwd: repository, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const browser = new Browser(values.ISSUER as string);
    let stdout = '';
    let stderr = '';
    let authorizations = 0;
    let browserError: unknown;
    let pending = Promise.resolve();
    run.stdout.on('data', (chunk: Buffer) => {
      const before = stdout.length;
      stdout += chunk;
      // Each authorization URL the walk-through prints is opened, and the code typed in.
      // (curl's answers end without a newline, so a URL may follow one on the same line.)
      for (const m of stdout.slice(Math.max(0, before - 2000)).matchAll(/(https?:\/\/[^\s"}]+\/oauth\/authorize\?\S+)\n/g)) {
        const url = m[1] as string;
        if (stdout.indexOf(url) < before) continue;
        authorizations++;
        pending = pending
          .then(async () => {
            const code = await browser.authorize(url, values.STAFF_EMAIL as string, values.STAFF_PASSWORD as string);
            run.stdin.write(`${code}\n`);
          })
          .catch((error: unknown) => {
            browserError = error;
            run.kill('SIGTERM');
          });
      }
    });
    run.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));
    await pending;
    if (browserError) throw browserError;
    assert.equal(code, 0, `the walk-through failed:\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n--- server\n${started.output()}`);
    assert.equal(authorizations, 2, 'the webapp and the app were authorized');

    // What the README says each step answers.
    assert.match(stdout, /"token_type":"Bearer"/);
    assert.match(stdout, /"refresh_token":"/);
    assert.match(stdout, /"active":true/);
    assert.match(stdout, /"success":true,"message":null,"code":null,"data":"eyJ/);
    assert.match(stdout, /"type":"stores","id":"[^"]+","attributes":\{"slug":"demo"/);
    assert.match(stdout, /"code":"TSHIRT-BLUE"/);
    assert.match(stdout, /\n {2}"client_id": "/, 'the decoded claims, pretty-printed by jq');
    assert.doesNotMatch(stdout, /"active":false/);
  });
});
