import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { errorCodeList } from '@lineup/protocol';
import { ClientErrorCode, LineupAgent, LineupCustomer } from '@lineup/sdk';
import {
  codeOfSdkErr,
  createCloudRoomQueue,
  installCloudRoomQueue,
  sdkErrOf,
  type CloudRoomQueue,
} from '@lineup/compat';
import { recordCallbacks, useLiveServer, type Heard } from './live-server.ts';

/*
 * CloudRoom's queue module (seeds 000 and 001) driven as the documents'
 * examples drive it, against the real server: an agent serves two queues of
 * different priority, customers queue, the agent is assigned customers
 * automatically and rejects one and accepts one, a customer who stops
 * queuing is cancelled, the agent stops serving one queue and keeps the
 * other, and in do-not-disturb the agent asks for customers.
 */

const live = useLiveServer();

/** A tenant with the queues vip (priority 10) and general (1), video, and the agent Ann in both. */
async function tenant(): Promise<string> {
  const id = live.tenantId('cr');
  await live.server.call('POST', '/v1/tenants', { id });
  for (const [queueId, name, priority] of [
    ['vip', 'VIP desk', 10],
    ['general', 'General desk', 1],
  ] as const) {
    await live.server.call('POST', `/v1/tenants/${id}/queues`, {
      id: queueId,
      name,
      priority,
      channels: ['video'],
      offerTimeoutMs: 60_000,
      rejectCooldownMs: 1_000,
      whenEmpty: 'wait',
    });
  }
  await live.server.call('POST', `/v1/tenants/${id}/agents`, {
    id: 'ann',
    name: 'Ann',
    memberships: [
      { queueId: 'vip', priority: 5 },
      { queueId: 'general', priority: 5 },
    ],
  });
  return id;
}

/** A page's CloudRoom module over a client, with every callback recorded. */
async function page(
  tenantId: string,
  role: 'agent' | 'customer',
  subject: string,
  name?: string,
): Promise<{ queue: CloudRoomQueue; heard: Heard }> {
  const options = await live.server.clientOptions(tenantId, role, subject);
  const client = role === 'agent' ? new LineupAgent(options) : new LineupCustomer(options);
  live.closeAfterTest(client);
  const queue = createCloudRoomQueue(
    client instanceof LineupAgent
      ? { agent: client }
      : { customer: client, ...(name === undefined ? {} : { profile: { name } }) },
  );
  live.closeAfterTest(queue);
  return { queue, heard: recordCallbacks(queue) };
}

describe('CloudRoom queue API', () => {
  it('[compat] an agent serving two queues is assigned the higher-priority queue first, rejects, is cancelled, accepts', async () => {
    const t = await tenant();
    const ann = await page(t, 'agent', 'ann');
    ann.queue.CRVideo_InitQueueDat('init-cookie');
    expect(await ann.heard.next('CRVideo_InitQueueDatRslt')).toEqual([0, 'init-cookie']);
    expect(ann.queue.CRVideo_GetAllQueueInfo()).toEqual([
      { queID: 'general', name: 'General desk', desc: '', prio: -1 },
      { queID: 'vip', name: 'VIP desk', desc: '', prio: -10 },
    ]);
    expect(ann.queue.CRVideo_GetServingQueues()).toEqual([]);

    // Customers queue first: Ali in general, then Bea in vip.
    const ali = await page(t, 'customer', 'ali', 'Ali');
    ali.queue.CRVideo_StartQueuing('general', { mine: 1 });
    expect(await ali.heard.next('CRVideo_StartQueuingRslt')).toEqual([0, { mine: 1 }]);
    expect(await ali.heard.next('CRVideo_QueueStatusChanged')).toEqual([
      { queID: 'general', agent_num: null, wait_num: 1, srv_num: null },
    ]);
    const [aliPlace] = await ali.heard.next('CRVideo_QueuingInfoChanged');
    expect(aliPlace).toMatchObject({ queID: 'general', position: 1 });
    const bea = await page(t, 'customer', 'bea', 'Bea');
    bea.queue.CRVideo_StartQueuing('vip');
    expect(await bea.heard.next('CRVideo_StartQueuingRslt')).toEqual([0, undefined]);

    // The agent starts serving both: Bea's vip queue is served first (R3), though Ali waited longer.
    ann.queue.CRVideo_StartService('vip', 's1');
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['vip', 0, 's1']);
    ann.queue.CRVideo_StartService('general', 's2');
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['general', 0, 's2']);
    expect(ann.queue.CRVideo_GetServingQueues().sort()).toEqual(['general', 'vip']);
    // Starting the service announces the status of the queues it serves: Ann is logged in to both.
    const servedBy = (queID: string) => (status: unknown) =>
      (status as { queID: string; agent_num: number }).queID === queID &&
      (status as { agent_num: number }).agent_num === 1;
    await ann.heard.next('CRVideo_QueueStatusChanged', servedBy('vip'));
    await ann.heard.next('CRVideo_QueueStatusChanged', servedBy('general'));

    const [first] = await ann.heard.next('CRVideo_AutoAssignUser');
    expect(first).toMatchObject({
      queID: 'vip',
      usrID: 'bea',
      userID: 'bea',
      nickname: 'Bea',
      usrExtDat: '',
    });
    ann.queue.CRVideo_RejectAssignUser('vip', 'bea', 'reject-cookie');
    expect(await ann.heard.next('CRVideo_ResponseAssignUserRslt')).toEqual([0, 'reject-cookie']);

    // Bea is cooling down for Ann (R6), so Ali is next; Ali stops queuing and the assignment is cancelled.
    const [second] = await ann.heard.next('CRVideo_AutoAssignUser');
    expect(second).toMatchObject({ queID: 'general', usrID: 'ali', nickname: 'Ali' });
    ali.queue.CRVideo_StopQueuing('stop-cookie');
    expect(await ali.heard.next('CRVideo_StopQueuingRslt')).toEqual([0, 'stop-cookie']);
    expect(await ann.heard.next('CRVideo_CancelAssignUser')).toEqual(['general', 'ali']);
    // Answering a cancelled assignment fails with the code for an offer that is gone.
    ann.queue.CRVideo_AcceptAssignUser('general', 'ali', 'late');
    expect(await ann.heard.next('CRVideo_ResponseAssignUserRslt')).toEqual([
      sdkErrOf('offer_not_found'),
      'late',
    ]);

    // After the cool-down Bea is assigned again; the agent accepts.
    const [third] = await ann.heard.next('CRVideo_AutoAssignUser');
    expect(third).toMatchObject({ queID: 'vip', usrID: 'bea' });
    ann.queue.CRVideo_AcceptAssignUser('vip', 'bea', 'accept-cookie');
    expect(await ann.heard.next('CRVideo_ResponseAssignUserRslt')).toEqual([0, 'accept-cookie']);

    // Stopping one queue's service stops that queue only, even while the agent holds Bea.
    ann.queue.CRVideo_StopService('vip', 'stop-vip');
    expect(await ann.heard.next('CRVideo_StopServiceRslt')).toEqual(['vip', 0, 'stop-vip']);
    expect(ann.queue.CRVideo_GetServingQueues()).toEqual(['general']);
  });

  it('[compat] an agent serving two queues stops one and is still assigned customers of the other', async () => {
    const t = await tenant();
    const ann = await page(t, 'agent', 'ann');
    ann.queue.CRVideo_StartService('vip', 1);
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['vip', 0, 1]);
    ann.queue.CRVideo_StartService('general', 2);
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['general', 0, 2]);
    ann.queue.CRVideo_StopService('vip', 3);
    expect(await ann.heard.next('CRVideo_StopServiceRslt')).toEqual(['vip', 0, 3]);
    expect(ann.queue.CRVideo_GetServingQueues()).toEqual(['general']);
    // The stopped queue's status says nobody serves it now.
    await ann.heard.next('CRVideo_QueueStatusChanged', (status) => {
      const { queID, agent_num } = status as { queID: string; agent_num: number };
      return queID === 'vip' && agent_num === 0;
    });

    // Bea waits in vip first, which would be served first (R3) were Ann still serving it.
    const bea = await page(t, 'customer', 'bea', 'Bea');
    bea.queue.CRVideo_StartQueuing('vip');
    expect(await bea.heard.next('CRVideo_StartQueuingRslt')).toEqual([0, undefined]);
    const ali = await page(t, 'customer', 'ali', 'Ali');
    ali.queue.CRVideo_StartQueuing('general');
    expect(await ali.heard.next('CRVideo_StartQueuingRslt')).toEqual([0, undefined]);
    const [user] = await ann.heard.next('CRVideo_AutoAssignUser');
    expect(user).toMatchObject({ queID: 'general', usrID: 'ali' });
    ann.queue.CRVideo_AcceptAssignUser('general', 'ali', 4);
    expect(await ann.heard.next('CRVideo_ResponseAssignUserRslt')).toEqual([0, 4]);

    // Stopping a queue already stopped succeeds; starting vip again serves both.
    ann.queue.CRVideo_StopService('vip', 5);
    expect(await ann.heard.next('CRVideo_StopServiceRslt')).toEqual(['vip', 0, 5]);
    ann.queue.CRVideo_StartService('vip', 6);
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['vip', 0, 6]);
    expect(ann.queue.CRVideo_GetServingQueues().sort()).toEqual(['general', 'vip']);
  });

  it('[compat] in do-not-disturb the agent is assigned no one and asks for the next customer (ReqAssignUser)', async () => {
    const t = await tenant();
    const ann = await page(t, 'agent', 'ann');
    ann.queue.CRVideo_StartService('general', null);
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual(['general', 0, null]);
    ann.queue.CRVideo_SetDNDStatus(1, 'dnd-on');
    expect(await ann.heard.next('CRVideo_SetDNDStatusSuccess')).toEqual(['dnd-on']);

    ann.queue.CRVideo_ReqAssignUser('none-yet');
    expect(await ann.heard.next('CRVideo_ReqAssignUserRslt')).toEqual([
      sdkErrOf('no_contact_waiting'),
      null,
      'none-yet',
    ]);

    const cy = await page(t, 'customer', 'cy', 'Cy');
    cy.queue.CRVideo_StartQueuing('general');
    expect(await cy.heard.next('CRVideo_StartQueuingRslt')).toEqual([0, undefined]);
    // The waiting count reaches the agent (every 5 s and on change): the status is announced.
    const [status] = await ann.heard.next('CRVideo_QueueStatusChanged', (queStatus) => {
      return (queStatus as { wait_num: number }).wait_num === 1;
    });
    expect(status).toEqual({ queID: 'general', agent_num: 1, wait_num: 1, srv_num: 0 });
    expect(ann.heard.has('CRVideo_AutoAssignUser')).toBe(false);

    ann.queue.CRVideo_ReqAssignUser({ ask: 1 });
    const [sdkErr, user, cookie] = await ann.heard.next('CRVideo_ReqAssignUserRslt');
    expect([sdkErr, cookie]).toEqual([0, { ask: 1 }]);
    expect(user).toMatchObject({ queID: 'general', usrID: 'cy', nickname: 'Cy' });
    expect(ann.heard.has('CRVideo_AutoAssignUser')).toBe(false);

    // Do-not-disturb off again; the customer's page no longer waits.
    ann.queue.CRVideo_SetDNDStatus(0, 'dnd-off');
    expect(await ann.heard.next('CRVideo_SetDNDStatusSuccess')).toEqual(['dnd-off']);
    cy.queue.CRVideo_StopQueuing('gone');
    expect(await cy.heard.next('CRVideo_StopQueuingRslt')).toEqual([
      sdkErrOf('contact_not_waiting'),
      'gone',
    ]);
  });

  it('[compat] refusals arrive as sdkErr with the cookie: unknown queue, a queue not assigned, the other role', async () => {
    const t = await tenant();
    await live.server.call('POST', `/v1/tenants/${t}/queues`, {
      id: 'other',
      name: 'Other',
      channels: ['video'],
    });
    const ann = await page(t, 'agent', 'ann');
    const dee = await page(t, 'customer', 'dee');

    dee.queue.CRVideo_StartQueuing('nowhere', 1);
    expect(await dee.heard.next('CRVideo_StartQueuingRslt')).toEqual([
      sdkErrOf('queue_not_found'),
      1,
    ]);
    ann.queue.CRVideo_StartService('other', 2);
    expect(await ann.heard.next('CRVideo_StartServiceRslt')).toEqual([
      'other',
      sdkErrOf('queue_not_assigned'),
      2,
    ]);
    ann.queue.CRVideo_StopService('other', 2.5);
    expect(await ann.heard.next('CRVideo_StopServiceRslt')).toEqual([
      'other',
      sdkErrOf('queue_not_assigned'),
      2.5,
    ]);
    ann.queue.CRVideo_StartQueuing('vip', 3);
    expect(await ann.heard.next('CRVideo_StartQueuingRslt')).toEqual([sdkErrOf('forbidden'), 3]);
    dee.queue.CRVideo_SetDNDStatus(1, 4);
    expect(await dee.heard.next('CRVideo_SetDNDStatusFail')).toEqual([sdkErrOf('forbidden'), 4]);
    // A stopped service is idempotent once logged out.
    ann.queue.CRVideo_StopService('vip', 5);
    expect(await ann.heard.next('CRVideo_StopServiceRslt')).toEqual(['vip', 0, 5]);
    expect(ann.queue.CRVideo_GetServingQueues()).toEqual([]);
  });

  it('[compat] installCloudRoomQueue puts every CRVideo_ name on the global object, as CloudRoom pages expect', () => {
    const target: Record<string, unknown> = {};
    const queue = createCloudRoomQueue({});
    installCloudRoomQueue(queue, target);
    expect(Object.keys(target).sort()).toEqual(
      Object.keys(queue)
        .filter((name) => name.startsWith('CRVideo_'))
        .sort(),
    );
    expect(target.CRVideo_InitQueueDatRslt).toBe(queue.CRVideo_InitQueueDatRslt);
  });

  it('[compat] sdkErr is 0 for success and one stable number per Lineup code, both ways', () => {
    expect(sdkErrOf('invalid_command')).toBe(1);
    expect(sdkErrOf('no_contact_waiting')).toBe(28);
    expect(sdkErrOf('connection_lost')).toBe(901);
    expect(codeOfSdkErr(28)).toBe('no_contact_waiting');
    expect(codeOfSdkErr(901)).toBe('connection_lost');
    expect(codeOfSdkErr(0)).toBeNull();
  });

  it('[compat] docs/compat.md lists every sdkErr with its Lineup code, as the module numbers them', async () => {
    const doc = await readFile(new URL('../../../docs/compat.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) +\| `([a-z_]+)` +\|$/gm)].map((match) => [
      Number(match[1]),
      match[2],
    ]);
    const codes = [...errorCodeList, ...Object.values(ClientErrorCode)];
    expect(rows).toEqual(codes.map((code) => [sdkErrOf(code), code]));
  });
});
