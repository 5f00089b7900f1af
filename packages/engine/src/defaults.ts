import { clone } from './clone.ts';
import type { AgentInput, Capacity, QueueInput, QueueSettings } from '@lineup/protocol';
import { defaultPredictorName } from './ewt.ts';

/*
 * Defaults for settings a new queue or agent leaves out; docs/routing.md
 * lists them. Chosen to behave like a plain FIFO queue that helps customers.
 */

/** Settings a queue gets unless it says otherwise. */
export const queueDefaults: Omit<QueueSettings, 'id' | 'name'> = {
  priority: 0,
  channels: ['voice', 'video', 'chat'],
  strategy: 'longestIdle',
  offerTimeoutMs: 30_000,
  wrapUpMs: 0,
  serviceLevelThresholdMs: 20_000,
  maxWaitMs: 0,
  maxSize: 10_000,
  overflowQueueId: null,
  whenEmpty: 'wait',
  hours: null,
  whenClosed: 'refuse',
  closedMessage: '',
  expansion: [],
  stickyTimeoutMs: 60_000,
  callbacks: { isAllowed: true, retryDelayMs: 300_000, attemptsMax: 3 },
  agingPointsPerMinute: 0,
  maxNoAnswer: 3,
  rejectCooldownMs: 30_000,
  ewtPredictor: defaultPredictorName,
  expectedHandleMs: 180_000,
};

/** Capacity an agent gets unless it says otherwise: one live contact, or up to three chats. */
export const capacityDefaults: Capacity = {
  voice: 1,
  video: 1,
  callback: 1,
  chat: 3,
  email: 1,
  task: 1,
};

/** How long a contact transferred to one agent waits for it before any agent of the queue may take it. */
export const agentTransferWaitMsDefault = 300_000;

/** A new queue's full settings. */
export function queueSettingsOf(input: QueueInput): QueueSettings {
  return clone({ ...queueDefaults, ...input });
}

/** A new agent's capacity. */
export function capacityOf(input: AgentInput['capacity']): Capacity {
  return { ...capacityDefaults, ...input };
}
