import { describe, expect, it } from 'vitest';
import {
  asAgentId,
  asContactId,
  asCustomerId,
  asQueueId,
  type ContactId,
  type OfferId,
} from '@lineup/protocol';
import { LineupAgent, LineupCustomer, LineupSupervisor, type LineupClient } from '@lineup/sdk';
import { createCallCenter, type CallBarQueueEvents, type CallCenter } from '@lineup/compat';
import { Heard, useLiveServer, type LiveServer } from './live-server.ts';

/*
 * The call bar's queue events (seed 002, 6.8–6.11) against the real server:
 * an agent's bar hears queuenum, memberEnqueue / memberDequeue for its memory
 * line, sendmsg and endtask; a supervisor's bar hears queuenum on its timer
 * and, once it monitors, monitorqueue, monitorcaller, agentbegingroup and
 * agentstopgroup — each with the document's field names and types.
 */

const live = useLiveServer();

const group802 = asQueueId('802');
const sales = asQueueId('sales');
const ann = asAgentId('ann');
const eventNames = [
  'queuenum',
  'monitorqueue',
  'monitorcaller',
  'agentbegingroup',
  'agentstopgroup',
  'sendmsg',
  'endtask',
  'memberEnqueue',
  'memberDequeue',
] as const satisfies readonly (keyof CallBarQueueEvents)[];

/** A tenant with the skill groups 802 (voice, memory agent) and sales (voice and callbacks); Ann serves both. */
async function tenant(): Promise<string> {
  const id = live.tenantId('cb');
  await live.server.call('POST', '/v1/tenants', { id });
  await live.server.call('POST', `/v1/tenants/${id}/queues`, {
    id: '802',
    name: 'Hotline',
    channels: ['voice'],
    stickyTimeoutMs: 600_000,
    offerTimeoutMs: 60_000,
  });
  await live.server.call('POST', `/v1/tenants/${id}/queues`, {
    id: 'sales',
    name: 'Sales',
    channels: ['voice', 'callback'],
    callbacks: { isAllowed: true, retryDelayMs: 60_000, attemptsMax: 2 },
    offerTimeoutMs: 60_000,
  });
  await live.server.call('POST', `/v1/tenants/${id}/agents`, {
    id: 'ann',
    name: 'Ann',
    memberships: [
      { queueId: '802', priority: 1 },
      { queueId: 'sales', priority: 1 },
    ],
  });
  return id;
}

async function connect<C extends LineupClient<object>>(
  Client: new (options: Awaited<ReturnType<LiveServer['clientOptions']>>) => C,
  tenantId: string,
  role: 'customer' | 'agent' | 'supervisor',
  subject: string,
): Promise<C> {
  const created = new Client(await live.server.clientOptions(tenantId, role, subject));
  live.closeAfterTest(created);
  await created.opened();
  return created;
}

/** A call bar with every event recorded. */
function bar(options: Parameters<typeof createCallCenter>[0]): {
  callCenter: CallCenter;
  heard: Heard<[json: unknown]>;
} {
  const callCenter = createCallCenter(options);
  live.closeAfterTest(callCenter);
  const heard = new Heard<[json: unknown]>();
  for (const name of eventNames) callCenter.addEventListener(name, heard.listener(name));
  return { callCenter, heard };
}

/** A contact in 802 that waits for Ann alone (R9), sent by a supervisor. */
async function stickyContact(
  supervisor: LineupSupervisor,
  id: string,
  customer: { id: string; name: string; number: string; type: 'normal' | 'vip' },
): Promise<ContactId> {
  const contactId = asContactId(id);
  await supervisor.command({
    type: 'enqueueContact',
    contact: {
      id: contactId,
      queueId: group802,
      channel: 'voice',
      customer: { ...customer, id: asCustomerId(customer.id) },
      preferredAgentId: ann,
    },
  });
  return contactId;
}

/** A payload's field, read as the page's untyped code reads it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type it expects.
const field = <T>(json: unknown, name: string): T => (json as Record<string, T>)[name] as T;

describe('call-bar events', () => {
  it("[compat] an agent's call bar hears queuenum, memberEnqueue / memberDequeue, sendmsg and endtask", async () => {
    const t = await tenant();
    const agent = await connect(LineupAgent, t, 'agent', 'ann');
    const supervisor = await connect(LineupSupervisor, t, 'supervisor', 'sam');
    const { heard } = bar({ agent });
    // Numeric queue ids are ints, as the document's groupid; others stay strings.
    const [hello802] = await heard.next('queuenum', (json) => field(json, 'groupid') === 802);
    expect(hello802).toEqual({ type: 'queuenum', cmdtype: 1, autonum: 0, groupid: 802, num: 0 });
    await heard.next('queuenum', (json) => field(json, 'groupid') === 'sales');

    await agent.logIn('Briefing');
    const mia = await stickyContact(supervisor, 'call-mia', {
      id: 'mia',
      name: 'Mia',
      number: '18910393942',
      type: 'vip',
    });
    const [enqueued] = await heard.next('memberEnqueue');
    expect(enqueued).toEqual({
      type: 'memberEnqueue',
      caller: '18910393942',
      callId: 'call-mia',
      companyId: t,
      currentLineUpNum: 1,
      memoryLineUpNum: 1,
      customerType: 2,
      groupId: 802,
      joinedTime: expect.any(Number) as number,
      memoryAgentKey: `ann@${t}`,
      startTime: expect.any(Number) as number,
      joinedType: 1,
      stationNo: 0,
      baseScore: 0,
    });
    const [waitingOne] = await heard.next('queuenum', (json) => field(json, 'num') === 1);
    expect(waitingOne).toMatchObject({ groupid: 802, num: 1 });

    const leo = await stickyContact(supervisor, 'call-leo', {
      id: 'leo',
      name: 'Leo',
      number: '01041234',
      type: 'normal',
    });
    expect((await heard.next('memberEnqueue'))[0]).toMatchObject({
      callId: 'call-leo',
      caller: '01041234',
      customerType: 1,
      memoryLineUpNum: 2,
      currentLineUpNum: 2,
    });
    // Leo hangs up: leaveType 2; Ann gets ready and Mia goes to her: leaveType 1.
    await supervisor.command({ type: 'abandonContact', contactId: leo });
    const [abandoned] = await heard.next('memberDequeue');
    expect(abandoned).toMatchObject({
      type: 'memberDequeue',
      callId: 'call-leo',
      caller: '01041234',
      leaveType: 2,
      memoryLineUpNum: 1,
      memoryAgentKey: `ann@${t}`,
      leavingTime: expect.any(Number) as number,
    });
    const offered = new Promise<OfferId>((resolve) => {
      const stop = agent.on('offerCreated', (event) => {
        stop();
        resolve(event.offerId);
      });
    });
    await agent.setPresence('ready');
    const [toAgent] = await heard.next('memberDequeue');
    expect(toAgent).toMatchObject({ callId: 'call-mia', leaveType: 1, memoryLineUpNum: 0 });
    await agent.acceptOffer(await offered);
    await agent.completeContact(mia);

    await supervisor.announce('Team meeting at 3');
    const [announced] = await heard.next('sendmsg');
    expect(announced).toMatchObject({ type: 'sendmsg', cmdtype: 1, annoucement: true });
    expect(JSON.parse(field<string>(announced, 'msg'))).toMatchObject({
      isannouncement: 1,
      remark: 'thisisannouncementnew',
      text: 'Team meeting at 3',
      from: 'sam',
    });

    // A callback reached and closed is a finished task: endtask with status 3.
    const customer = await connect(LineupCustomer, t, 'customer', 'kim');
    const callbackOffered = new Promise<{ offerId: OfferId; contactId: ContactId }>((resolve) => {
      const stop = agent.on('offerCreated', (event) => {
        stop();
        resolve(event);
      });
    });
    await customer.requestCallback({ queueId: sales, number: '+4930777' });
    const callback = await callbackOffered;
    await agent.acceptOffer(callback.offerId);
    await agent.closeCallback(callback.contactId, 'reached');
    const [ended] = await heard.next('endtask');
    expect(ended).toEqual({
      type: 'endtask',
      cmdtype: 1,
      cmd: 'endtask',
      done: false,
      status: 3,
      groupid: 'sales',
      companyid: t,
      activity_id: 0,
    });
  });

  it("[compat] a supervisor's call bar hears queuenum on its timer and, monitoring, monitorqueue, monitorcaller and the agents' groups", async () => {
    const t = await tenant();
    const supervisor = await connect(LineupSupervisor, t, 'supervisor', 'sam');
    const { callCenter, heard } = bar({ supervisor, queueNumEveryMs: 100 });
    await heard.next('queuenum', (json) => field(json, 'groupid') === 802);
    expect(heard.has('monitorqueue')).toBe(false);

    callCenter.monitoragent();
    const [picture] = await heard.next('monitorqueue');
    expect(picture).toEqual({
      type: 'monitorqueue',
      cmdtype: 1,
      data: [
        { autonum: 0, groupid: 802, num: 0 },
        { autonum: 0, groupid: 'sales', num: 0 },
      ],
    });
    expect((await heard.next('monitorcaller'))[0]).toEqual({
      type: 'monitorcaller',
      cmdtype: 1,
      data: [
        { groupid: 802, callers: [] },
        { groupid: 'sales', callers: [] },
      ],
    });

    // A VIP caller waits in 802 (nobody serves it; the queue waits, R11).
    const customer = await connect(LineupCustomer, t, 'customer', 'mia');
    const joined = await customer.join({
      queueId: group802,
      channel: 'voice',
      customer: { name: 'Mia', number: '18910393942', type: 'vip' },
      priority: 7,
    });
    if (joined.type !== 'contactQueued') throw new Error(`not queued: ${joined.type}`);
    expect((await heard.next('monitorqueue'))[0]).toEqual({
      type: 'monitorqueue',
      cmdtype: 1,
      data: [{ autonum: 0, groupid: 802, num: 1 }],
    });
    const joinedTime = String(joined.contact.joinedAtMs);
    expect((await heard.next('monitorcaller'))[0]).toEqual({
      type: 'monitorcaller',
      cmdtype: 1,
      data: [
        {
          groupid: 802,
          callers: [
            {
              baseScore: 7,
              caller: '18910393942',
              customerName: 'Mia',
              customerType: 2,
              joinedTime,
              joinedType: 1,
              startTime: joinedTime,
            },
          ],
        },
      ],
    });
    await heard.next(
      'queuenum',
      (json) => field(json, 'groupid') === 802 && field(json, 'num') === 1,
    );

    // Transferred to sales: joinedType 2 there, and 802 is empty again.
    await supervisor.transferContact(joined.contact.id, { queueId: sales, keepsPlace: true });
    const [moved] = await heard.next('monitorcaller', (json) => {
      const data = field<{ groupid: unknown; callers: unknown[] }[]>(json, 'data');
      return data[0]?.groupid === 'sales' && data[0].callers.length === 1;
    });
    expect(field<{ callers: unknown[] }[]>(moved, 'data')[0]?.callers[0]).toMatchObject({
      joinedType: 2,
      customerType: 2,
      startTime: joinedTime,
    });

    // An agent starts and stops serving a group.
    await supervisor.stopServing(ann, sales);
    const [stopped] = await heard.next('agentstopgroup');
    expect(stopped).toEqual({
      type: 'agentstopgroup',
      cmdtype: 1,
      data: [
        {
          agentKey: `ann@${t}`,
          auto: false,
          busydescr: '',
          called: '',
          caller: '',
          companyId: t,
          groupids: [802],
          name: 'Ann',
          nowgroupid: 'sales',
          operate_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) as string,
          operatorid: 'ann',
          status: 'offwork',
          taskgroupid: 'sales',
          worktype: 2,
        },
      ],
    });
    await supervisor.startServing(ann, sales, 4);
    const [began] = await heard.next('agentbegingroup');
    expect(began).toMatchObject({
      type: 'agentbegingroup',
      cmdtype: 1,
      data: [{ agentKey: `ann@${t}`, groupids: [802, 'sales'], taskgroupid: 'sales' }],
    });
  });
});
