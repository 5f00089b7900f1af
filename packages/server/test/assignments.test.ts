import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentActionResult, AgentView, ErrorBody } from '../src/index.ts';
import type { AssignmentsMessage } from '@lineup/protocol';
import { agent, connectAs, contact, queue, setUp, startServer, type Server } from './harness.ts';
import type { SocketClient } from './socket-client.ts';

/*
 * The queues an agent may serve (ADR 0017): an admin assigns them with a
 * priority; the agent, with its own token, turns serving each one on and off,
 * and no other. And an agent turns a contact it holds into a callback.
 */

const base = '/v1/tenants/acme';
let server: Server;
let annToken: string;

interface Assignment {
  queueId: string;
  priority: number;
  isServing: boolean;
}

beforeEach(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${base}/queues`, queue('sales')],
    ['POST', `${base}/queues`, queue('support', { channels: ['chat', 'voice'] })],
    ['POST', `${base}/queues`, queue('vip')],
    ['POST', `${base}/agents`, agent('ann', [['sales', 5]])],
    ['POST', `${base}/agents`, agent('bob')],
  ]);
  const minted = await server.call<{ token: string }>('POST', `${base}/tokens`, {
    role: 'agent',
    subject: 'ann',
  });
  annToken = minted.body.token;
});
const clients: SocketClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

const assignmentsOf = async (agentId: string) =>
  (await server.call<{ items: Assignment[] }>('GET', `${base}/agents/${agentId}/assignments`)).body
    .items;

describe('assignments', () => {
  it('[assignments] an agent starts and stops serving the queues an admin assigned, with their priority', async () => {
    // Ann's membership counts as assigned; support is assigned without serving it.
    const assigned = await server.call<Assignment>(
      'PUT',
      `${base}/agents/ann/assignments/support`,
      { priority: 7 },
    );
    expect(assigned).toMatchObject({
      status: 200,
      body: { queueId: 'support', priority: 7, isServing: false },
    });
    expect(await assignmentsOf('ann')).toEqual([
      { queueId: 'sales', priority: 5, isServing: true },
      { queueId: 'support', priority: 7, isServing: false },
    ]);

    const started = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/queues/support/start-serving`,
      undefined,
      { as: annToken },
    );
    expect(started.status).toBe(200);
    expect(started.body.agent.memberships).toEqual([
      { queueId: 'sales', priority: 5 },
      { queueId: 'support', priority: 7 },
    ]);
    const stopped = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/queues/sales/stop-serving`,
      undefined,
      { as: annToken },
    );
    expect(stopped.body.agent.memberships).toEqual([{ queueId: 'support', priority: 7 }]);
    // Stopped, sales stays assigned with its priority: she may serve it again.
    expect(await assignmentsOf('ann')).toEqual([
      { queueId: 'sales', priority: 5, isServing: false },
      { queueId: 'support', priority: 7, isServing: true },
    ]);
    const again = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/queues/sales/start-serving`,
      undefined,
      { as: annToken },
    );
    expect(again.body.agent.memberships).toContainEqual({ queueId: 'sales', priority: 5 });
  });

  it('[assignments] an agent may not serve a queue it is not assigned, nor act for another agent', async () => {
    const refused = await server.call<ErrorBody>(
      'POST',
      `${base}/agents/ann/queues/vip/start-serving`,
      undefined,
      { as: annToken },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'queue_not_assigned',
      details: { agentId: 'ann', queueId: 'vip' },
    });
    expect((await server.call<AgentView>('GET', `${base}/agents/ann`)).body.memberships).toEqual([
      { queueId: 'sales', priority: 5 },
    ]);
    const forOther = await server.call(
      'POST',
      `${base}/agents/bob/queues/sales/start-serving`,
      undefined,
      {
        as: annToken,
      },
    );
    expect(forOther.status).toBe(403);
    const assigning = await server.call(
      'PUT',
      `${base}/agents/ann/assignments/vip`,
      { priority: 1 },
      {
        as: annToken,
      },
    );
    expect(assigning.status).toBe(403);
  });

  it('[assignments] an admin changes a served priority at once, and taking a queue stops serving it', async () => {
    await server.call('PUT', `${base}/agents/ann/assignments/sales`, { priority: 9 });
    expect((await server.call<AgentView>('GET', `${base}/agents/ann`)).body.memberships).toEqual([
      { queueId: 'sales', priority: 9 },
    ]);
    const taken = await server.call('DELETE', `${base}/agents/ann/assignments/sales`);
    expect(taken.status).toBe(204);
    expect(await assignmentsOf('ann')).toEqual([]);
    const refused = await server.call<ErrorBody>(
      'POST',
      `${base}/agents/ann/queues/sales/start-serving`,
      undefined,
      { as: annToken },
    );
    expect(refused.body.error.code).toBe('queue_not_assigned');
    const twice = await server.call<ErrorBody>('DELETE', `${base}/agents/ann/assignments/sales`);
    expect(twice.body.error.code).toBe('queue_not_assigned');
    const unknownQueue = await server.call<ErrorBody>(
      'PUT',
      `${base}/agents/ann/assignments/nope`,
      {
        priority: 1,
      },
    );
    expect(unknownQueue.body.error.code).toBe('queue_not_found');
  });

  it('[assignments] a deleted queue or agent leaves no assignment behind', async () => {
    await server.call('PUT', `${base}/agents/bob/assignments/vip`, { priority: 2 });
    expect(await assignmentsOf('bob')).toHaveLength(1);
    expect((await server.call('DELETE', `${base}/queues/vip`)).status).toBe(204);
    await server.call('POST', `${base}/queues`, queue('vip'));
    expect(await assignmentsOf('bob')).toEqual([]);
    await server.call('PUT', `${base}/agents/bob/assignments/vip`, { priority: 2 });
    expect((await server.call('DELETE', `${base}/agents/bob`)).status).toBe(204);
    await server.call('POST', `${base}/agents`, agent('bob'));
    expect(await assignmentsOf('bob')).toEqual([]);
  });
});

describe('convert to callback', () => {
  it('[assignments] an agent’s sockets hear every change an admin makes to its queues, and no other agent’s', async () => {
    const ann = await connectAs(server, 'acme', 'agent', 'ann', clients);
    const bob = await connectAs(server, 'acme', 'agent', 'bob', clients);
    const nextAssignments = (from: number) =>
      ann.client.next<AssignmentsMessage>((m) => m.type === 'assignments', from);

    let from = ann.client.messages.length;
    await server.call('PUT', `${base}/agents/ann/assignments/support`, { priority: 7 });
    expect((await nextAssignments(from)).items).toEqual([
      { queueId: 'sales', priority: 5, isServing: true },
      { queueId: 'support', priority: 7, isServing: false },
    ]);

    from = ann.client.messages.length;
    await server.call('DELETE', `${base}/agents/ann/assignments/support`);
    expect((await nextAssignments(from)).items).toEqual([
      { queueId: 'sales', priority: 5, isServing: true },
    ]);

    // A deleted queue leaves the lists of the agents it was assigned to.
    await server.call('PUT', `${base}/agents/ann/assignments/vip`, { priority: 1 });
    from = ann.client.messages.length;
    expect((await server.call('DELETE', `${base}/queues/vip`)).status).toBe(204);
    expect((await nextAssignments(from)).items).toEqual([
      { queueId: 'sales', priority: 5, isServing: true },
    ]);
    expect(bob.client.messages.filter((m) => m.type === 'assignments')).toEqual([]);
  });

  it('[R10] an agent turns a chat it holds into a callback for the same customer, and the chat completes', async () => {
    await server.call('POST', `${base}/agents/ann/log-in`, undefined, { as: annToken });
    await server.call('POST', `${base}/contacts`, contact('c1', 'sales', { channel: 'chat' }));
    const offered = (await server.call<AgentView>('GET', `${base}/agents/ann`)).body.offer;
    if (offered === null) throw new Error('no offer');
    await server.call('POST', `${base}/agents/ann/offers/${offered.offerId}/accept`, undefined, {
      as: annToken,
    });
    const converted = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/contacts/c1/convert-to-callback`,
      { number: '+4930999' },
      { as: annToken },
    );
    expect(converted.status).toBe(200);
    expect(converted.body.agent).toMatchObject({ contactIds: [] });
    expect(converted.body.contact).toMatchObject({
      queueId: 'sales',
      channel: 'callback',
      joinedType: 'callback',
      callbackNumber: '+4930999',
      customer: { id: 'customer-c1' },
      attributes: { convertedFrom: 'c1' },
    });
    const history = await server.call<{ contacts: { id: string; outcome: string | null }[] }>(
      'GET',
      `${base}/customers/customer-c1/contacts`,
    );
    expect(history.body.contacts.find((item) => item.id === 'c1')?.outcome).toBe('completed');

    const again = await server.call<ErrorBody>(
      'POST',
      `${base}/agents/ann/contacts/c1/convert-to-callback`,
      {},
      { as: annToken },
    );
    expect(again.body.error.code).toBe('contact_not_found');
  });

  it('[R10] a queue without callbacks refuses, and the chat stays with the agent', async () => {
    await server.call('PATCH', `${base}/queues/sales`, {
      callbacks: { isAllowed: false, retryDelayMs: 300_000, attemptsMax: 3 },
    });
    await server.call('POST', `${base}/agents/ann/log-in`, undefined, { as: annToken });
    await server.call('POST', `${base}/contacts`, contact('c1', 'sales', { channel: 'chat' }));
    const offered = (await server.call<AgentView>('GET', `${base}/agents/ann`)).body.offer;
    if (offered === null) throw new Error('no offer');
    await server.call('POST', `${base}/agents/ann/offers/${offered.offerId}/accept`, undefined, {
      as: annToken,
    });
    const refused = await server.call<ErrorBody>(
      'POST',
      `${base}/agents/ann/contacts/c1/convert-to-callback`,
      undefined,
      { as: annToken },
    );
    expect(refused.body.error.code).toBe('callbacks_not_allowed');
    expect((await server.call<AgentView>('GET', `${base}/agents/ann`)).body.contactIds).toEqual([
      'c1',
    ]);
  });
});
