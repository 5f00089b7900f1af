/*
 * A queue's waiting contacts in the order they joined, for the one thing read
 * from it: the contact that has waited longest (the queue's longest wait, the
 * head-of-line wait of the EWT).
 *
 * Contacts join in the order of their join times, since the engine's clock
 * never goes back: nearly every entry is appended at the end. Leaving costs
 * nothing: an entry whose contact no longer waits here is left in place,
 * stale, and dropped once it reaches the front (or when stale entries
 * outnumber live ones, by a compaction). So a routing cycle pays an append
 * and, now and then, the drop of a stale front, where an ordered set paid a
 * search and a rebalance on every join and every leave.
 *
 * A contact's entry is live while the contact is queued and its `sinceLine`
 * is this line. A contact that is queued here again with an entry still in
 * place (an offer it was given is declined, a field of it changes) keeps that
 * entry; one whose entry was dropped, or that comes from another queue (a
 * transfer or an overflow, keeping its join time), is put in its place by
 * binary search, moving the entries on its shorter side. A contact that left
 * for another queue and came back may have two entries: both at its join
 * time, so the oldest is the same; a compaction keeps one.
 *
 * Invariants (checked by the engine's invariant checks): entries are sorted
 * by join time; every queued contact of the queue has a live entry.
 */

import { insertAt } from './lists.ts';
import type { Contact } from './state.ts';

/** Stale entries tolerated beyond the live ones before a compaction. */
const staleSlack = 64;

export class SinceLine {
  /** Entries from `#head` on, by join time; those before `#head` are dropped. */
  #entries: Contact[] = [];
  #head = 0;

  /** Whether an entry no longer stands for a contact waiting here. */
  #isStale(contact: Contact): boolean {
    return contact.sinceLine !== this || contact.status !== 'queued';
  }

  /** Drops an entry; a contact left with none here no longer names this line. */
  #drop(contact: Contact): void {
    if (contact.sinceLine === this && contact.status !== 'queued') contact.sinceLine = null;
  }

  /**
   * Records that a queued contact waits here (nothing if its entry is in
   * place); `waiting` is how many do now, counting it.
   */
  add(contact: Contact, waiting: number): void {
    if (contact.sinceLine === this) return;
    contact.sinceLine = this;
    const entries = this.#entries;
    const last = entries[entries.length - 1];
    if (last === undefined || last.joinedAtMs <= contact.joinedAtMs) entries.push(contact);
    else this.#insertInOrder(contact);
    if (entries.length - this.#head > 2 * waiting + staleSlack) this.#compact();
  }

  /** The contact waiting here since the earliest time, or undefined when none waits. */
  oldest(): Contact | undefined {
    const entries = this.#entries;
    let head = this.#head;
    for (; head < entries.length; head++) {
      const contact = entries[head] as Contact;
      if (!this.#isStale(contact)) break;
      this.#drop(contact);
    }
    this.#head = head;
    // The dropped front is given back once it is as long as the rest, so that it holds on to
    // no contact for long: a move of the rest paid for by the drops since the last one.
    if (head >= staleSlack && 2 * head >= entries.length) this.#shiftToFront();
    return entries[this.#head];
  }

  /** The contacts waiting here, by join time, each once (for the invariant checks). */
  live(): Contact[] {
    return [...new Set(this.#entries.slice(this.#head))].filter(
      (contact) => !this.#isStale(contact),
    );
  }

  /** Entries held, stale and dropped ones included: what the line costs in memory. */
  heldCount(): number {
    return this.#entries.length;
  }

  /** Puts an entry whose join time is earlier than the last one's in its place. */
  #insertInOrder(contact: Contact): void {
    const entries = this.#entries;
    // The first entry that joined later than this contact.
    let low = this.#head;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((entries[middle] as Contact).joinedAtMs <= contact.joinedAtMs) low = middle + 1;
      else high = middle;
    }
    if (this.#head > 0 && low - this.#head < entries.length - low) {
      // Nearer the front, where dropped entries left room: the earlier ones move one place down.
      this.#head -= 1;
      for (let i = this.#head; i < low - 1; i++) entries[i] = entries[i + 1] as Contact;
      entries[low - 1] = contact;
    } else {
      insertAt(entries, low, contact);
    }
  }

  /** Moves the entries from `#head` on to the front; the storage is kept. */
  #shiftToFront(): void {
    const entries = this.#entries;
    const head = this.#head;
    for (let i = head; i < entries.length; i++) entries[i - head] = entries[i] as Contact;
    for (let i = head; i > 0; i--) entries.pop();
    this.#head = 0;
  }

  /** Drops every stale entry, and the second entry of a contact that has two. */
  #compact(): void {
    const entries = this.#entries;
    const kept = new Set<Contact>();
    for (let i = this.#head; i < entries.length; i++) {
      const contact = entries[i] as Contact;
      if (this.#isStale(contact)) this.#drop(contact);
      else kept.add(contact);
    }
    let count = 0;
    for (const contact of kept) entries[count++] = contact;
    for (let i = entries.length; i > count; i--) entries.pop();
    this.#head = 0;
  }
}
