import { describe, expect, it } from 'vitest';
import { clockOf, ordinal, percentOf, placeInWords, waitInWords } from '@lineup/web';

/*
 * The words the apps show for numbers (R13: a waiting customer learns its
 * position and EWT), checked without a browser.
 */

describe('words', () => {
  it('[R13] a position reads as an ordinal, the teens included', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
  });

  it('[R13] the place in line reads as a customer says it', () => {
    expect(placeInWords(3, 120_000)).toBe('You are 3rd — about 2 minutes');
    expect(placeInWords(1, 20_000)).toBe('You are next — less than a minute');
    expect(placeInWords(2, null)).toBe('You are 2nd in line');
  });

  it('[R13] a wait rounds to minutes, then to hours', () => {
    expect(waitInWords(59_999)).toBe('less than a minute');
    expect(waitInWords(60_000)).toBe('about 1 minute');
    expect(waitInWords(150_000)).toBe('about 3 minutes');
    expect(waitInWords(59 * 60_000)).toBe('about 59 minutes');
    expect(waitInWords(80 * 60_000)).toBe('about an hour');
    expect(waitInWords(150 * 60_000)).toBe('about 3 hours');
  });

  it('[web] durations read as clocks and ratios as percentages', () => {
    expect(clockOf(65_000)).toBe('1:05');
    expect(clockOf(3_725_000)).toBe('1:02:05');
    expect(clockOf(-5)).toBe('0:00');
    expect(percentOf(0.8)).toBe('80%');
    expect(percentOf(null)).toBe('—');
  });
});
