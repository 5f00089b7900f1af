import { asContactId, asCustomerId, asQueueId } from '@lineup/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SinceLine } from '../src/since-line.ts';
import { newContact, type Contact } from '../src/state.ts';

/*
 * A queue's contacts by join time, for its longest wait (since-line.ts),
 * against a model that keeps which queue each contact waits in: after every
 * step, each line's oldest is the earliest join time among the contacts
 * waiting in it, and its live entries are exactly those contacts.
 */

/** A contact that joined at `joinedAtMs`, queued. */
function contactAt(n: number, joinedAtMs: number): Contact {
  return newContact(
    {
      id: asContactId(`c${n}`),
      queueId: asQueueId('q'),
      channel: 'voice',
      customer: { id: asCustomerId(`k${n}`), type: 'normal' },
      priority: 0,
      joinedType: 'inbound',
      joinedAtMs,
      placeAtMs: joinedAtMs,
      preferredAgentId: null,
      attributes: {},
      callbackNumber: null,
    },
    joinedAtMs,
    { stickyAgentId: null, stickyUntilMs: null, notBeforeMs: null },
  );
}

/** What the engine does to a contact, as the line sees it. */
type Step =
  | { kind: 'join'; line: number; advanceMs: number }
  | { kind: 'offer'; pick: number }
  | { kind: 'decline'; pick: number }
  | { kind: 'move'; pick: number; line: number }
  | { kind: 'end'; pick: number };

const lineCount = 3;

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      line: fc.nat(lineCount - 1),
      advanceMs: fc.nat(3),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('offer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decline' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      pick: fc.nat(),
      line: fc.nat(lineCount - 1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }) },
);

/** Lines, the contacts alive, and where each waits (the model). */
class Centre {
  readonly lines = Array.from({ length: lineCount }, () => new SinceLine());
  /** The line each live contact belongs to (queued or offered). */
  readonly lineOf = new Map<Contact, number>();
  nowMs = 0;
  count = 0;

  waitingIn(line: number): Contact[] {
    return [...this.lineOf]
      .filter(([contact, at]) => at === line && contact.status === 'queued')
      .map(([contact]) => contact);
  }

  pick(index: number, status: Contact['status']): Contact | undefined {
    const candidates = [...this.lineOf.keys()].filter((contact) => contact.status === status);
    return candidates[index % Math.max(1, candidates.length)];
  }

  add(contact: Contact, line: number): void {
    this.lineOf.set(contact, line);
    (this.lines[line] as SinceLine).add(contact, this.waitingIn(line).length);
  }

  apply(step: Step): void {
    switch (step.kind) {
      case 'join': {
        this.nowMs += step.advanceMs;
        this.add(contactAt(this.count++, this.nowMs), step.line);
        return;
      }
      case 'offer': {
        const contact = this.pick(step.pick, 'queued');
        if (contact !== undefined) contact.status = 'offered';
        return;
      }
      case 'decline': {
        const contact = this.pick(step.pick, 'offered');
        if (contact === undefined) return;
        contact.status = 'queued';
        this.add(contact, this.lineOf.get(contact) as number);
        return;
      }
      case 'move': {
        // A transfer or an overflow: it keeps its join time.
        const contact = this.pick(step.pick, 'queued');
        if (contact !== undefined) this.add(contact, step.line);
        return;
      }
      case 'end': {
        const contact = this.pick(step.pick, step.pick % 2 === 0 ? 'queued' : 'offered');
        if (contact === undefined) return;
        this.lineOf.delete(contact);
        contact.sinceLine = null;
      }
    }
  }

  problems(): string[] {
    return this.lines.flatMap((line, index) => {
      const waiting = this.waitingIn(index);
      const earliest = Math.min(...waiting.map((contact) => contact.joinedAtMs));
      const oldest = line.oldest();
      const live = line.live();
      const found: string[] = [];
      if ((oldest?.joinedAtMs ?? Infinity) !== earliest)
        found.push(`line ${index}: oldest joined at ${oldest?.joinedAtMs}, expected ${earliest}`);
      if (live.length !== waiting.length || live.some((contact) => !waiting.includes(contact)))
        found.push(`line ${index}: ${live.length} live entries for ${waiting.length} waiting`);
      if (
        live.some((contact, i) => i > 0 && (live[i - 1] as Contact).joinedAtMs > contact.joinedAtMs)
      )
        found.push(`line ${index}: live entries out of join time`);
      return found;
    });
  }
}

describe('SinceLine', () => {
  it('[R1] keeps the longest-waiting contact of each queue through joins, offers, declines, transfers and ends', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 400 }), (steps) => {
        const centre = new Centre();
        for (const step of steps) {
          centre.apply(step);
          expect(centre.problems()).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('[R1] a contact declined after its entry was dropped goes back in its place by join time', () => {
    const line = new SinceLine();
    const contacts = Array.from({ length: 100 }, (_, i) => contactAt(i, i * 10));
    contacts.forEach((contact, i) => {
      line.add(contact, i + 1);
    });
    // The first 70 are offered and the line drops their entries.
    for (const contact of contacts.slice(0, 70)) contact.status = 'offered';
    expect(line.oldest()).toBe(contacts[70]);
    // Declined, the 5th and the 40th wait again: they are the oldest once more.
    for (const contact of [contacts[40], contacts[5]] as Contact[]) {
      contact.status = 'queued';
      line.add(contact, 32);
    }
    expect(line.oldest()).toBe(contacts[5]);
    expect(line.live().map((contact) => contact.joinedAtMs)).toEqual([
      50,
      400,
      ...contacts.slice(70).map((contact) => contact.joinedAtMs),
    ]);
  });

  // With a contact that waits throughout (a callback due tomorrow), the front never moves past
  // it and the stale entries behind it are compacted; without, the front moves on.
  it.each([true, false])(
    '[R1] stale entries do not pile up: the line holds about what waits in it (one waits throughout: %s)',
    (isOneWaiting) => {
      const line = new SinceLine();
      const first = contactAt(0, 0);
      if (isOneWaiting) line.add(first, 1);
      const others = isOneWaiting ? 1 : 0;
      const waiting: Contact[] = [];
      let held = 0;
      for (let i = 1; i < 20_000; i++) {
        const contact = contactAt(i, i);
        waiting.push(contact);
        line.add(contact, waiting.length + others);
        // Twenty wait; one leaves at a time, from anywhere in the line (a VIP, an abandon).
        if (waiting.length > 20) {
          const [left] = waiting.splice((i * 7) % waiting.length, 1);
          (left as Contact).status = 'assigned';
        }
        line.oldest();
        held = Math.max(held, line.heldCount());
      }
      expect(held).toBeLessThanOrEqual(2 * 22 + 64 + 64);
      const expected = [...waiting].sort((a, b) => a.joinedAtMs - b.joinedAtMs);
      expect(line.oldest()).toBe(isOneWaiting ? first : expected[0]);
      expect(line.live()).toEqual(isOneWaiting ? [first, ...expected] : expected);
    },
  );
});
