import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { empty, insertAt, removeAt } from '../src/lists.ts';

describe('lists: in-place changes without splice', () => {
  it('insertAt and removeAt do what splice does, anywhere in the list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 40 }),
        fc.nat(),
        fc.integer(),
        (items, at, item) => {
          const index = items.length === 0 ? 0 : at % (items.length + 1);
          const list = [...items];
          const expected = [...items];
          insertAt(list, index, item);
          expected.splice(index, 0, item);
          expect(list).toEqual(expected);
          removeAt(list, index);
          expected.splice(index, 1);
          expect(list).toEqual(items);
          expect(expected).toEqual(items);
        },
      ),
    );
  });

  it('empty leaves the same list with nothing in it, ready for new items', () => {
    const list = [1, 2, 3];
    empty(list);
    expect(list).toEqual([]);
    list.push(4);
    expect(list).toEqual([4]);
  });
});
