import { describe, expect, it } from 'vitest';
import { LineupAgent, LineupCustomer, eventOf } from '@lineup/sdk';
import {
  ACDEvents,
  attachACDRequest,
  enqueueACDRequest,
  type ACDEventName,
  type ACDEventPayloads,
  type ACDRequest,
} from '../src/index.ts';
import { useLiveServer, waitMsMax } from './live-server.ts';

/*
 * Voximplant-style ACD requests against the real `lineup serve`, driven the
 * way the document's scenario drives them (seed 003): a caller is enqueued in
 * MainQueue, hears Queued, asks getStatus() and hears Waiting with its
 * position and EWT in minutes, presses "#" for a callback and keeps its place
 * (R10), and an operator is reached; a queue nobody serves answers Offline
 * (R11); a callback made through the HTTP API with no live call is followed
 * with the same events.
 */

const live = useLiveServer();

/** A fresh tenant with MainQueue (voice, callbacks allowed) served by the agent Ann. */
async function tenant(queueSettings: Record<string, unknown> = {}): Promise<string> {
  const id = live.tenantId('vox');
  await live.server.call('POST', '/v1/tenants', { id });
  await live.server.call('POST', `/v1/tenants/${id}/queues`, {
    id: 'MainQueue',
    name: 'Main queue',
    channels: ['voice', 'callback'],
    offerTimeoutMs: 60_000,
    wrapUpMs: 0,
    ...queueSettings,
  });
  await live.server.call('POST', `/v1/tenants/${id}/agents`, {
    id: 'ann',
    name: 'Ann',
    memberships: [{ queueId: 'MainQueue', priority: 0 }],
  });
  return id;
}

async function customer(tenantId: string, subject: string): Promise<LineupCustomer> {
  const created = live.closeAfterTest(
    new LineupCustomer(await live.server.clientOptions(tenantId, 'customer', subject)),
  );
  await created.opened();
  return created;
}

/** Ann, logged in, accepting every offer. */
async function annAccepting(tenantId: string): Promise<LineupAgent> {
  const ann = live.closeAfterTest(
    new LineupAgent(await live.server.clientOptions(tenantId, 'agent', 'ann')),
  );
  ann.on('offerCreated', (offer) => {
    void ann.acceptOffer(offer.offerId);
  });
  await ann.opened();
  await ann.logIn();
  return ann;
}

/** The next event of a name a request emits, waited for at most waitMsMax (real I/O). */
function next<K extends ACDEventName>(request: ACDRequest, name: K): Promise<ACDEventPayloads[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ${name} within ${waitMsMax} ms`));
    }, waitMsMax);
    const listener = (event: ACDEventPayloads[K]) => {
      clearTimeout(timer);
      request.removeEventListener(name, listener);
      resolve(event);
    };
    request.addEventListener(name, listener);
  });
}

describe('Voximplant ACD requests', () => {
  it('[R13] a caller is Queued, getStatus gives Waiting with position and ewt in minutes, then OperatorReached', async () => {
    const t = await tenant();
    const caller = await customer(t, 'caller-1');
    const request = enqueueACDRequest('MainQueue', '+4930111', { client: caller, name: 'Mia' });
    const queued = await next(request, ACDEvents.Queued);
    expect(queued).toMatchObject({ name: 'ACD.Queued', request });
    expect(request.status).toBe('queued');

    const waiting = next(request, ACDEvents.Waiting);
    const status = await request.getStatus();
    const heard = await waiting;
    expect(heard).toMatchObject({ name: 'ACD.Waiting', position: 1 });
    expect(status).toMatchObject({ status: 'queued', position: 1 });
    expect(heard.ewt).toBe(heard.ewtMs === null ? 0 : Math.floor(heard.ewtMs / 60_000));

    const reached = next(request, ACDEvents.OperatorReached);
    await annAccepting(t);
    expect(await reached).toMatchObject({
      name: 'ACD.OperatorReached',
      operatorId: 'ann',
      operatorName: 'Ann',
      isCallback: false,
    });
    expect(request.status).toBe('reached');
    // getStatus after the operator took it says so, and emits no Waiting.
    expect(await request.getStatus()).toEqual({ status: 'reached', position: null, ewtMs: null });
  });

  it('[R10] the caller who presses # for a callback keeps its place ahead of a later caller', async () => {
    const t = await tenant();
    const first = await customer(t, 'caller-a');
    const second = await customer(t, 'caller-b');
    const early = enqueueACDRequest('MainQueue', '+4930222', { client: first });
    await next(early, ACDEvents.Queued);
    const late = enqueueACDRequest('MainQueue', '+4930333', { client: second });
    await next(late, ACDEvents.Queued);

    await early.callback();
    expect(early.status).toBe('callback');
    const waiting = next(early, ACDEvents.Waiting);
    await early.getStatus();
    expect(await waiting).toMatchObject({ position: 1 });

    const reached = next(early, ACDEvents.OperatorReached);
    const ann = await annAccepting(t);
    expect(await reached).toMatchObject({ operatorId: 'ann', isCallback: true });
    const view = await ann.agent();
    expect(view.contactIds).toEqual([early.id]);
    expect((await late.getStatus()).position).toBe(1);
  });

  it('[R13] with isWaitingPushed, Waiting follows each new place the server pushes', async () => {
    const t = await tenant();
    const ahead = await customer(t, 'caller-ahead');
    const behind = await customer(t, 'caller-behind');
    const first = enqueueACDRequest('MainQueue', '+4930121', { client: ahead });
    await next(first, ACDEvents.Queued);
    const second = enqueueACDRequest('MainQueue', '+4930122', {
      client: behind,
      isWaitingPushed: true,
    });
    await next(second, ACDEvents.Queued);
    const movedUp = new Promise<ACDEventPayloads['Waiting']>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no Waiting at position 1 within ${waitMsMax} ms`));
      }, waitMsMax);
      second.addEventListener(ACDEvents.Waiting, (event) => {
        if (event.position !== 1) return;
        clearTimeout(timer);
        resolve(event);
      });
    });
    await first.cancel();
    expect(await movedUp).toMatchObject({ name: 'ACD.Waiting', position: 1 });
  });

  it('[R11] a queue nobody serves answers Offline, with the queue message and no wait', async () => {
    const t = await tenant({ whenEmpty: 'reject', closedMessage: 'Nobody is here; call later.' });
    const caller = await customer(t, 'caller-2');
    const request = enqueueACDRequest('MainQueue', '+4930444', { client: caller });
    const offline = await next(request, ACDEvents.Offline);
    expect(offline).toMatchObject({
      name: 'ACD.Offline',
      reason: 'queueOffline',
      message: 'Nobody is here; call later.',
      isLeaveMessageOffered: false,
    });
    expect(request.status).toBe('refused');
  });

  it('[acd] cancel takes the request out of the line; as setInterval calls it, getStatus never rejects', async () => {
    const t = await tenant();
    const caller = await customer(t, 'caller-3');
    const request = enqueueACDRequest('MainQueue', '+4930555', { client: caller });
    await next(request, ACDEvents.Queued);
    const { cancel, getStatus } = request;
    await cancel();
    expect(request.status).toBe('cancelled');
    expect(await getStatus()).toMatchObject({ status: 'cancelled', position: null });
    const ann = await annAccepting(t);
    expect((await ann.agent()).contactIds).toEqual([]);
  });

  it('[acd] a refusal of the server is an Error event with its code', async () => {
    const t = await tenant();
    const caller = await customer(t, 'caller-4');
    const request = enqueueACDRequest('NoSuchQueue', '+4930666', { client: caller });
    expect(await next(request, ACDEvents.Error)).toMatchObject({ code: 'queue_not_found' });
    expect(request.status).toBe('refused');
  });

  it('[R10] a callback created through the HTTP API with no live call is followed to OperatorReached', async () => {
    const t = await tenant();
    const caller = await customer(t, 'web-form-7');
    // What a back-end does for a "call me back" form (Voximplant: StartScenarios with customData).
    const created = await live.server.call<{ id: string; position: number }>(
      'POST',
      `/v1/tenants/${t}/callbacks`,
      {
        queueId: 'MainQueue',
        customer: { id: 'web-form-7', type: 'normal', name: 'Ola', number: '+4930777' },
      },
    );
    const request = attachACDRequest(created.id, {
      client: caller,
      queue: 'MainQueue',
      callerId: '+4930777',
    });
    const waiting = next(request, ACDEvents.Waiting);
    await request.getStatus();
    expect(await waiting).toMatchObject({ position: 1 });

    const reached = next(request, ACDEvents.OperatorReached);
    const ann = await annAccepting(t);
    expect(await reached).toMatchObject({ operatorId: 'ann', isCallback: true });
    const closed = await ann.closeCallback(request.id, 'reached');
    expect(eventOf(closed.events, 'callbackClosed')).toMatchObject({ outcome: 'reached' });
  });

  it('[acd] a request made with isCallback is a callback request from the script, with no call', async () => {
    const t = await tenant();
    const caller = await customer(t, 'caller-5');
    const request = enqueueACDRequest('MainQueue', '+4930888', {
      client: caller,
      isCallback: true,
    });
    await next(request, ACDEvents.Queued);
    expect(request.status).toBe('callback');
    const reached = next(request, ACDEvents.OperatorReached);
    await annAccepting(t);
    expect(await reached).toMatchObject({ isCallback: true });
  });
});
