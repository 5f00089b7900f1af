import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResumeLog } from '../src/resume-log.ts';

/*
 * The messages a session keeps for a resume (ResumeLog), against a plain
 * list of { seq, text }: after any sequence of messages sent, receipts
 * confirmed and resumes, the log gives back exactly the texts the list
 * holds, character for character (multi-byte ones and surrogate pairs
 * included; the messages are JSON, which never holds a lone surrogate), and
 * knows its oldest seq.
 */

type Step =
  | { kind: 'send'; text: string }
  | { kind: 'confirm'; back: number }
  | { kind: 'resume'; back: number };

const textArbitrary = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Longer than a log's first buffer, so that it grows in one step.
  fc.string({ minLength: 400, maxLength: 1_500 }),
);

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: textArbitrary.map((text) => ({ kind: 'send' as const, text })) },
  { weight: 1, arbitrary: fc.nat(30).map((back) => ({ kind: 'confirm' as const, back })) },
  { weight: 1, arbitrary: fc.nat(30).map((back) => ({ kind: 'resume' as const, back })) },
);

describe('ResumeLog', () => {
  it('[ws] keeps what a plain list of the texts sent keeps, through sends, receipts and the bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(stepArbitrary, { maxLength: 120 }),
        (max, steps) => {
          const log = new ResumeLog();
          let model: { seq: number; text: string }[] = [];
          let seq = 0;
          for (const step of steps) {
            if (step.kind === 'send') {
              seq += 1;
              log.push(seq, step.text, max);
              model.push({ seq, text: step.text });
              if (model.length > max) model.shift();
            } else if (step.kind === 'confirm') {
              log.dropThrough(seq - step.back);
              model = model.filter((kept) => kept.seq > seq - step.back);
            } else {
              const after = seq - step.back;
              expect(log.textsAfter(after)).toEqual(
                model.filter((kept) => kept.seq > after).map((kept) => kept.text),
              );
            }
            expect(log.size).toBe(model.length);
            expect(log.firstSeq()).toBe(model[0]?.seq ?? null);
          }
          expect(log.textsAfter(0)).toEqual(model.map((kept) => kept.text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('[ws] a message out of order is refused; an empty log takes any seq', () => {
    const log = new ResumeLog();
    log.push(7, 'a', 10);
    expect(() => {
      log.push(9, 'b', 10);
    }).toThrow(/message 9 after 7/);
    log.dropThrough(7);
    log.push(20, 'c', 10);
    expect(log.textsAfter(19)).toEqual(['c']);
  });

  it('[ws] a log that held a long burst gives its memory back once its socket confirmed it', () => {
    const log = new ResumeLog();
    const text = 'x'.repeat(1_000);
    for (let seq = 1; seq <= 200; seq++) log.push(seq, text, 1_000);
    expect(log.textsAfter(199)).toEqual([text]);
    log.dropThrough(200);
    expect(log.size).toBe(0);
    // The next message starts afresh in a small buffer, and a resume still finds it.
    log.push(201, 'é', 1_000);
    expect(log.textsAfter(200)).toEqual(['é']);
  });
});
