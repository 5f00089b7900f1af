import fc from 'fast-check';

/*
 * What the fuzz test (fuzz.test.ts) sends: requests and socket messages built
 * from valid templates, then mutated — a field set to a random value, dropped
 * or added, the body replaced, the JSON cut or garbled, the path's ids
 * swapped for other tenants' ids, random text or path tricks, the method or
 * content type changed. Random values come from fast-check, drawn once into
 * pools at a fixed seed; choices come from a seeded generator, so a run is
 * the same every time and a failure names the message that caused it.
 */

/** A small seeded generator (mulberry32): the fuzz's choices, repeatable from the seed. */
export class Choices {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    // Pools may hold undefined itself, a value worth sending.
    return items[this.below(items.length)] as T;
  }
}

/** Random values of every JSON-ish kind, drawn once. */
export interface Pools {
  values: unknown[];
  strings: string[];
  keys: string[];
}

/** Draws the pools of random values at a seed. */
export function drawPools(seed: number): Pools {
  const values = fc.sample(
    fc.oneof(
      fc.anything({ maxDepth: 3, withNullPrototype: false }),
      fc.jsonValue({ maxDepth: 3 }),
      fc.integer(),
      fc.double(),
      fc.constantFrom(
        -1,
        0,
        2 ** 53,
        -(2 ** 63),
        1e308,
        '',
        ' ',
        'null',
        '__proto__',
        'constructor',
        true,
        false,
        null,
        [],
        {},
        { __proto__: { isAdmin: true } },
        'voice',
        'chat',
        'ready',
        'notReady',
        'vip',
      ),
    ),
    { seed, numRuns: 2_000 },
  );
  const strings = fc.sample(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        '..',
        '../..',
        '%2e%2e%2f',
        '%00',
        'a'.repeat(300),
        ' q1',
        'Q1',
        '*',
        '%',
        '?',
        '#',
        '\u0000',
        '\ud800',
        'ann;bob',
        '${jndi:ldap://127.0.0.1/x}',
        "' OR 1=1 --",
      ),
    ),
    { seed: seed + 1, numRuns: 1_000 },
  );
  const keys = fc.sample(fc.string({ maxLength: 12 }), { seed: seed + 2, numRuns: 200 });
  return { values, strings, keys };
}

/** A random value of the pools, copied: mutations change it in place, never the pool. */
function draw(choices: Choices, pools: Pools): unknown {
  return copy(choices.pick(pools.values));
}

/** Sets, drops or adds one field somewhere in a plain object (in place), or replaces it. */
export function mutateValue(value: unknown, choices: Choices, pools: Pools): unknown {
  if (value === null || typeof value !== 'object' || choices.chance(0.1))
    return draw(choices, pools);
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const roll = choices.next();
  if (keys.length === 0 || roll < 0.15) {
    object[choices.chance(0.5) ? choices.pick(pools.keys) : 'id'] = draw(choices, pools);
    return object;
  }
  const key = choices.pick(keys);
  if (roll < 0.3) {
    Reflect.deleteProperty(object, key);
  } else if (roll < 0.5 && object[key] !== null && typeof object[key] === 'object') {
    object[key] = mutateValue(object[key], choices, pools);
  } else {
    object[key] = choices.chance(0.3) ? choices.pick(pools.strings) : draw(choices, pools);
  }
  return object;
}

/** A JSON text spoiled: cut short, a byte changed, a brace doubled, or not JSON at all. */
export function spoilText(text: string, choices: Choices, pools: Pools): string {
  const roll = choices.next();
  if (roll < 0.3) return text.slice(0, choices.below(text.length));
  if (roll < 0.5) {
    const at = choices.below(text.length + 1);
    return (
      text.slice(0, at) + choices.pick(['"', '{', '}', ',', ':', '\\', '\u0000']) + text.slice(at)
    );
  }
  if (roll < 0.6) return `${text}${text}`;
  if (roll < 0.7) return `\ufeff${text}`;
  return choices.pick(pools.strings);
}

/** JSON text of any value; JSON.stringify gives undefined for undefined, which goes out as text. */
export const jsonOf = (value: unknown): string => stringify(value) ?? 'undefined';
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/** A deep copy of a JSON template, so mutations never reach the template. */
export const copy = <T>(value: T): T => structuredClone(value);
