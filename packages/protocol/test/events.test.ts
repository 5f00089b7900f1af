import { describe, expect, it } from 'vitest';
import { eventJson, eventsJson, type Event } from '../src/index.ts';

/*
 * The journal stores eventsJson's text and the server sends eventJson's: a
 * reader parses them as it would JSON.stringify's, so they must be the same
 * bytes, unicode and all.
 */

const events: Event[] = [
  {
    type: 'contactQueued',
    atMs: 1_772_442_000_000,
    contact: {
      id: 'c1' as never,
      queueId: 'q1' as never,
      channel: 'voice',
      customer: { id: 'k1' as never, type: 'vip', name: 'Zoë "Z" 王' },
      priority: 3,
      joinedType: 'inbound',
      joinedAtMs: 1_772_442_000_000,
      placeAtMs: 1_772_442_000_000,
      preferredAgentId: null,
      attributes: { topic: 'billing\n', tier: 2 },
      callbackNumber: null,
    },
    stickyAgentId: null,
    stickyUntilMs: null,
    notBeforeMs: null,
    position: 1,
    ewtMs: null,
  },
  {
    type: 'offerCreated',
    atMs: 1_772_442_000_001,
    offerId: 'o1' as never,
    contactId: 'c1' as never,
    agentId: 'a1' as never,
    queueId: 'q1' as never,
    channel: 'voice',
    expiresAtMs: 1_772_442_030_001,
  },
];

describe('event JSON', () => {
  it('[json] eventsJson is JSON.stringify byte for byte, empty list included', () => {
    expect(eventsJson(events)).toBe(JSON.stringify(events));
    expect(eventsJson([])).toBe('[]');
    expect(eventsJson(events.slice(1))).toBe(JSON.stringify(events.slice(1)));
  });

  it('[json] an event made once gives the same JSON every time it is asked', () => {
    const [first] = events;
    if (first === undefined) throw new Error('no event');
    expect(eventJson(first)).toBe(JSON.stringify(first));
    expect(eventJson(first)).toBe(eventJson(first));
    expect(JSON.parse(eventJson(first))).toEqual(first);
  });

  it('[json] the JSON kept with an event is seen by no copy, key list or comparison', () => {
    const event: Event = { ...(events[1] as Event) };
    const before = { ...event };
    eventJson(event);
    expect(Object.keys(event)).toEqual(Object.keys(before));
    expect({ ...event }).toStrictEqual(before);
    expect(event).toStrictEqual(before);
    expect(structuredClone(event)).toStrictEqual(before);
    expect(JSON.stringify(event)).toBe(JSON.stringify(before));
  });
});
