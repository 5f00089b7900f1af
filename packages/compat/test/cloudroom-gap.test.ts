import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LineupAgent, LineupCustomer } from '@lineup/sdk';
import { createCloudRoomQueue } from '@lineup/compat';
import { recordCallbacks, startLiveServer, type LiveServer } from './live-server.ts';

/*
 * CloudRoom's queue module after a gap: the agent's page loses its socket
 * for longer than the server's grace period (one second here), so the server
 * logs the agent out and withdraws the customer it was being assigned. When
 * the socket is back, the module reads the state again and tells the page,
 * as CloudRoom's own module does when it reconnects.
 */

const graceMs = 1_000;
/** How long the server may take to log out an agent whose socket is gone: bounded polling. */
const loggedOutWithinMs = 20_000;

let server: LiveServer;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  server = await startLiveServer({ socket: { graceMs } });
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  for (const closable of opened.splice(0).reverse()) closable.close();
});

describe('CloudRoom queue API after a gap', () => {
  it('[compat] an agent away past the grace period hears the assignment it missed cancelled, and serves nothing until it starts again', async () => {
    const t = 'gap';
    await server.call('POST', '/v1/tenants', { id: t });
    await server.call('POST', `/v1/tenants/${t}/queues`, {
      id: 'general',
      name: 'General desk',
      channels: ['video'],
      offerTimeoutMs: 60_000,
    });
    await server.call('POST', `/v1/tenants/${t}/agents`, {
      id: 'ann',
      name: 'Ann',
      memberships: [{ queueId: 'general', priority: 1 }],
    });

    // Ann's socket goes where nothing listens while `isCut`: the network is down.
    let isCut = false;
    class CuttableWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(isCut ? 'ws://127.0.0.1:9/v1/ws' : url, protocols);
      }
    }
    const options = await server.clientOptions(t, 'agent', 'ann');
    const agent = new LineupAgent({ ...options, WebSocket: CuttableWebSocket });
    opened.push(agent);
    const ann = createCloudRoomQueue({ agent });
    opened.push(ann);
    const heard = recordCallbacks(ann);
    ann.CRVideo_InitQueueDat('init');
    expect(await heard.next('CRVideo_InitQueueDatRslt')).toEqual([0, 'init']);
    ann.CRVideo_StartService('general', 'start');
    expect(await heard.next('CRVideo_StartServiceRslt')).toEqual(['general', 0, 'start']);

    const customer = new LineupCustomer(await server.clientOptions(t, 'customer', 'ali'));
    opened.push(customer);
    const ali = createCloudRoomQueue({ customer, profile: { name: 'Ali' } });
    opened.push(ali);
    const aliHeard = recordCallbacks(ali);
    ali.CRVideo_StartQueuing('general');
    expect(await aliHeard.next('CRVideo_StartQueuingRslt')).toEqual([0, undefined]);
    const [assigned] = await heard.next('CRVideo_AutoAssignUser');
    expect(assigned).toMatchObject({ queID: 'general', usrID: 'ali' });

    // The network drops past the grace period: the server logs Ann out and takes the offer back.
    isCut = true;
    agent.reconnect();
    const startedMs = Date.now();
    for (;;) {
      const view = await server.call<{ presence: string }>('GET', `/v1/tenants/${t}/agents/ann`);
      if (view.presence === 'offline') break;
      if (Date.now() - startedMs > loggedOutWithinMs) throw new Error('Ann was never logged out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(heard.names()).not.toContain('CRVideo_CancelAssignUser');

    // Back: the page hears the missed cancellation, and Ann serves nothing until she starts again.
    isCut = false;
    agent.reconnect();
    expect(await heard.next('CRVideo_CancelAssignUser')).toEqual(['general', 'ali']);
    expect(ann.CRVideo_GetServingQueues()).toEqual([]);
    ann.CRVideo_StartService('general', 'again');
    expect(await heard.next('CRVideo_StartServiceRslt')).toEqual(['general', 0, 'again']);
    const [again] = await heard.next('CRVideo_AutoAssignUser');
    expect(again).toMatchObject({ queID: 'general', usrID: 'ali' });
  });
});
