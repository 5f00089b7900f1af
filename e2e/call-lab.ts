import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { fakeMediaArgs, launchBrowser, waitMsMax } from './harness.ts';

/*
 * The call media engine on bare pages, without the server: the lab page
 * (packages/web/src/calls-lab/lab.ts) bundled by esbuild and served from a loopback HTTP
 * server (a page on 127.0.0.1 may use the camera), one browser context per
 * party, and signals relayed between the pages by the test, as the server's
 * `call.signal` would relay them.
 */

const labEntry = new URL('../packages/web/src/calls-lab/lab.ts', import.meta.url).pathname;

/** What this side of a pair sends (the engine's PairPlan, restated for Node's types). */
export interface Plan {
  isOfferer: boolean;
  hasVideo: boolean;
  sendsMicrophone: boolean;
  sendsVideo: boolean;
  forwardsAudioOf: readonly string[];
}

/** A pair's byte counters, as the page's traffic() answers them. */
export interface Traffic {
  audioBytesReceived: number;
  videoBytesReceived: number;
  forwardedAudioBytesReceived: number;
  audioBytesSent: number;
  videoBytesSent: number;
  forwardedAudioBytesSent: number;
  candidateType: string | null;
  connectionState: string;
}

/** A byte counter of a pair. */
export type Counter = Exclude<keyof Traffic, 'candidateType' | 'connectionState'>;

/**
 * The lab page's API, as seen from Node (`window.lineupCallLab`): functions given to
 * `page.evaluate` run in the page, so they reach it through this cast of globalThis.
 */
export interface LabWindow {
  lineupCallLab: {
    start(options: unknown): Promise<void>;
    reconcile(plans: Record<string, Plan>): void;
    receive(from: string, payload: unknown): void;
    traffic(): Promise<Record<string, Traffic>>;
    videoWidths(): Record<string, number>;
    startRecording(): void;
    stopRecording(): Promise<number>;
    setHoldMusic(isOn: boolean): boolean;
  };
}

/** One party's lab page. */
export interface LabParty {
  id: string;
  page: Page;
  reconcile(plans: Record<string, Plan>): Promise<void>;
  traffic(): Promise<Record<string, Traffic>>;
  /** Waits until a counter of the pair with `peer` grows; fails naming it if it does not. */
  flows(peer: string, counter: Counter): Promise<void>;
  /** Waits until a counter of the pair with `peer` stays put across a second. */
  stops(peer: string, counter: Counter): Promise<void>;
}

/** A lab: its page server and browser, and the parties opened on it. */
export interface Lab {
  open(
    id: string,
    options: { hasVideo: boolean; iceServers?: unknown[]; relayOnly?: boolean },
  ): Promise<LabParty>;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a byte counter grows past its first reading; fails naming `what` if it does not. */
export async function grows(read: () => Promise<number>, what: string): Promise<void> {
  const first = await read();
  // Bounded: polls for at most waitMsMax.
  for (let waitedMs = 0; waitedMs < waitMsMax; waitedMs += 250) {
    if ((await read()) > first) return;
    await pause(250);
  }
  expect.fail(`${what} did not grow`);
}

/**
 * Waits until a byte counter stays put across a whole second: stopped media
 * shows no other way. A few packets in flight may land first, hence the tries.
 */
export async function staysPut(read: () => Promise<number>, what: string): Promise<void> {
  for (let tries = 0; tries < 10; tries++) {
    const before = await read();
    await pause(1000);
    if ((await read()) === before) return;
  }
  expect.fail(`${what} kept moving`);
}

/** Bundles the lab page, serves it on loopback, and launches chromium with fake devices. */
export async function startLab(): Promise<Lab> {
  const bundle = await build({
    entryPoints: [labEntry],
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const server: Server = createServer((request, response) => {
    if (request.url === '/lab.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>lab</title><script src="/lab.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser;
  try {
    browser = await launchBrowser(fakeMediaArgs);
  } catch (error: unknown) {
    server.close();
    throw error;
  }
  const pages = new Map<string, Page>();

  async function readCounter(page: Page, peer: string, counter: Counter): Promise<number> {
    const traffic = await page.evaluate(() =>
      (globalThis as unknown as LabWindow).lineupCallLab.traffic(),
    );
    return traffic[peer]?.[counter] ?? 0;
  }

  return {
    async open(id, options) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(waitMsMax);
      // The relay: what one page sends to a party is delivered to that party's page.
      await page.exposeFunction('lineupLabSignal', async (to: string, payload: unknown) => {
        await pages.get(to)?.evaluate(
          ([from, signal]) => {
            (globalThis as unknown as LabWindow).lineupCallLab.receive(from, signal);
          },
          [id, payload] as const,
        );
      });
      await page.goto(url);
      await page.evaluate(
        (start) => (globalThis as unknown as LabWindow).lineupCallLab.start(start),
        {
          self: id,
          hasVideo: options.hasVideo,
          iceServers: options.iceServers ?? [],
          ...(options.relayOnly === true ? { iceTransportPolicy: 'relay' } : {}),
        },
      );
      pages.set(id, page);
      return {
        id,
        page,
        reconcile: (plans) =>
          page.evaluate((given) => {
            (globalThis as unknown as LabWindow).lineupCallLab.reconcile(given);
          }, plans),
        traffic: () =>
          page.evaluate(() => (globalThis as unknown as LabWindow).lineupCallLab.traffic()),
        flows: (peer, counter) =>
          grows(() => readCounter(page, peer, counter), `${counter} of ${id} with ${peer}`),
        stops: (peer, counter) =>
          staysPut(() => readCounter(page, peer, counter), `${counter} of ${id} with ${peer}`),
      };
    },
    async stop() {
      await browser.close();
      server.close();
    },
  };
}

/** A plan for a pair, sending camera and microphone unless told otherwise. */
export function plan(isOfferer: boolean, options: Partial<Plan> = {}): Plan {
  return {
    isOfferer,
    hasVideo: true,
    sendsMicrophone: true,
    sendsVideo: true,
    forwardsAudioOf: [],
    ...options,
  };
}
