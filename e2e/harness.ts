import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/*
 * The real `lineup serve` and a real browser for the journeys of e2e/: the
 * server a child process on a free loopback port over a temp data dir, with
 * its demo tenant, so the tests sign in through the links it prints; the
 * browser Debian's chromium (.ci/run installs it), driven by playwright-core.
 * e2e/ is no package: it drives the server as a person's browser meets it,
 * a process here, never an import, and uses the SDK and protocol only
 * through their indexes.
 */

/** How long a test waits for something real (a process, a page, a message) before it fails. */
export const waitMsMax = 15_000;

const cliMain = fileURLToPath(new URL('../packages/cli/src/main.ts', import.meta.url));
/** The operator key the test server accepts, for set-up and checks over REST. */
export const operatorKey = 'lo_web-tests-operator-key-0123456789';
/** Debian's chromium; the tests fail, never skip, when it is missing. */
export const chromiumPath = '/usr/bin/chromium';

const buildScript = fileURLToPath(new URL('../packages/web/build/build.ts', import.meta.url));

/**
 * Builds the apps from the sources as they are now, in a process of its own:
 * a production build (NODE_ENV=production), whatever the test runner's mode.
 * Run once per test run by e2e/global-setup.ts, before any journey starts, so
 * that journeys running side by side never read a half-written dist/.
 */
export async function buildWeb(): Promise<void> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', buildScript], {
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 120_000,
  });
}

/** A running server: its address, what it printed, and how to call it. */
export interface TestServer {
  url: string;
  /** The sign-in links the server printed for the demo, by app (`agent ada`, `widget`, `wallboard`). */
  links: Map<string, string>;
  /** Sends a REST request with the operator key; resolves with the status and parsed body. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/**
 * Starts `lineup serve --port 0` with the demo, and waits for its links and for /readyz;
 * `extraArgs` add flags (`--config <file>` for the calls' TURN settings).
 */
export async function startServer(extraArgs: readonly string[] = []): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-web-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cliMain,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    {
      env: { ...process.env, LINEUP_OPERATOR_KEY: operatorKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const { url, links } = await welcomeOf(child);
    await ready(url);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${operatorKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as unknown };
    };
    return { url, links, call, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** Reads the welcome on stdout: where the server listens and the demo's sign-in links. */
async function welcomeOf(
  child: ChildProcess,
): Promise<{ url: string; links: Map<string, string> }> {
  if (child.stdout === null) throw new Error('the server has no stdout');
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => {
    lines.close();
  }, waitMsMax);
  let url: string | null = null;
  const links = new Map<string, string>();
  try {
    for await (const line of lines) {
      url ??= /^Lineup is serving on (http:\/\/\S+)/.exec(line)?.[1] ?? null;
      const link = /^ {2}(Customer widget|Agent \w+|Wallboard)\s+(http:\/\/\S+)$/.exec(line);
      if (link?.[1] !== undefined && link[2] !== undefined) {
        links.set(link[1].toLowerCase().replace('customer ', ''), link[2]);
      }
      if (url !== null && links.has('wallboard')) {
        // Keep draining stdout so that the server's logs never fill the pipe and block it.
        child.stdout.resume();
        return { url, links };
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(
    `the server did not print its address and the demo's links within ${waitMsMax} ms`,
  );
}

/** Polls /readyz: bounded, 100 tries 50 ms apart. */
async function ready(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/readyz did not answer 200`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill('SIGKILL');
  await exited;
}

/**
 * Chromium's switches for the call tests: a fake camera (a test pattern) and
 * microphone (a beep) granted without asking, and audio that may play before
 * anyone clicks (hold music, the remote party).
 */
export const fakeMediaArgs: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Launches Debian's chromium headless. Playwright gives each launch a fresh
 * temporary profile (its own --user-data-dir), and each test person gets a
 * context of its own (separate storage, like separate browsers). `extraArgs`
 * add switches (`fakeMediaArgs` for the call tests).
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: waitMsMax,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
      // A host page the tests fulfil themselves (OpenOptions.hostHtml) has no address space of
      // its own, so Chromium's Local Network Access would block its calls to the loopback server.
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
}

/** How a person's browser opens a page. */
export interface OpenOptions {
  /** The browser's language (navigator.language and Accept-Language), e.g. 'zh-CN'. */
  locale?: string;
  /**
   * The HTML the browser gets at `url` instead of asking the server: a page
   * standing for a customer's own web site, on the server's origin.
   */
  hostHtml?: string;
}

/** The real server and a browser for one test file, and the hands that drive them. */
export interface Stage {
  server: TestServer;
  /** Errors the pages threw, each with its page's address (without the token). */
  pageErrors: string[];
  /** A page in a context of its own (one person's browser), its errors collected. */
  open(url: string, options?: OpenOptions): Promise<Page>;
  /** A sign-in link the server printed, by name ('widget', 'agent ada', 'wallboard', …). */
  link(name: string): string;
  /** Stops the browser and the server. */
  stop(): Promise<void>;
}

/**
 * Starts the server and the browser (the apps were built from the sources as
 * they are now by e2e/global-setup.ts); what did start is stopped if a later
 * step fails.
 */
export async function startStage(
  viewport: { width: number; height: number },
  options: { serverArgs?: readonly string[]; browserArgs?: readonly string[] } = {},
): Promise<Stage> {
  const server = await startServer(options.serverArgs);
  let browser: Browser;
  try {
    browser = await launchBrowser(options.browserArgs);
  } catch (error: unknown) {
    await server.stop();
    throw error;
  }
  const pageErrors: string[] = [];
  return {
    server,
    pageErrors,
    async open(url, options = {}) {
      const context = await browser.newContext({
        viewport,
        ...(options.locale === undefined ? {} : { locale: options.locale }),
      });
      const page = await context.newPage();
      const { hostHtml } = options;
      if (hostHtml !== undefined) {
        await page.route(url, (route) =>
          route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostHtml }),
        );
      }
      page.setDefaultTimeout(waitMsMax);
      page.on('pageerror', (error) =>
        pageErrors.push(`${url.split('#')[0] ?? ''}: ${error.message}`),
      );
      await page.goto(url);
      return page;
    },
    link(name) {
      const url = server.links.get(name);
      if (url === undefined) throw new Error(`the server printed no link for ${name}`);
      return url;
    },
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * Waits, bounded, until the locator shows the text; fails naming what was
 * missing and what the locator showed instead.
 */
export async function sees(locator: Locator, text: string | RegExp): Promise<void> {
  try {
    await locator
      .filter({ hasText: text })
      .first()
      .waitFor({ state: 'visible', timeout: waitMsMax });
  } catch (error: unknown) {
    const shown = await locator.allInnerTexts().catch(() => []);
    throw new Error(`expected ${String(text)}; the page showed ${JSON.stringify(shown)}`, {
      cause: error,
    });
  }
}

/** Where the screenshots go: e2e/artifacts/ (gitignored), for people to look at. */
export const artifactsDirectory = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** Saves what the page shows now as e2e/artifacts/<name>.png. */
export async function snapshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDirectory, `${name}.png`) });
}
