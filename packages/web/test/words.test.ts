import { describe, expect, it } from 'vitest';
import {
  chooseLanguage,
  clockOf,
  countOf,
  languageOf,
  ordinal,
  percentOf,
  placeInWords,
  timeOfDay,
  waitInWords,
} from '@lineup/web';

/*
 * The words the apps show for numbers (R13: a waiting customer learns its
 * position and EWT), in English and Chinese, and how a page picks its
 * language, checked without a browser.
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

  it('[R13] the place in line reads in Chinese as a customer says it', () => {
    expect(placeInWords(3, 120_000, 'zh')).toBe('您排在第3位，大约等待2分钟');
    expect(placeInWords(1, 20_000, 'zh')).toBe('您是下一位，等待不到1分钟');
    expect(placeInWords(2, null, 'zh')).toBe('您排在第2位');
    expect(placeInWords(12, 150 * 60_000, 'zh')).toBe('您排在第12位，大约等待3小时');
  });

  it('[R13] a wait in Chinese rounds like the English one', () => {
    expect(waitInWords(59_999, 'zh')).toBe('不到1分钟');
    expect(waitInWords(60_000, 'zh')).toBe('大约1分钟');
    expect(waitInWords(80 * 60_000, 'zh')).toBe('大约1小时');
  });
});

describe('languages', () => {
  it("[web] a language tag names one of the apps' languages by its primary subtag", () => {
    expect(['zh-CN', 'zh-Hant-TW', 'ZH', 'en-GB', 'en_US', 'fr', '', null].map(languageOf)).toEqual(
      ['zh', 'zh', 'zh', 'en', 'en', null, null, null],
    );
  });

  it('[web] a page takes the first language it speaks among the hints, else English', () => {
    expect(chooseLanguage(['fr-FR', 'zh-CN', 'en'])).toBe('zh');
    expect(chooseLanguage([undefined, 'de', 'en-US'])).toBe('en');
    expect(chooseLanguage(['fr', 'de'])).toBe('en');
  });

  it("[web] counts and times are written by the language's locale", () => {
    expect(countOf(5000, 'en')).toBe('5,000');
    expect(countOf(5000, 'zh')).toBe('5,000');
    const atMs = Date.UTC(2026, 0, 2, 14, 5, 9) + new Date().getTimezoneOffset() * 60_000;
    expect(timeOfDay(atMs, 'en')).toBe('2:05:09 PM');
    expect(timeOfDay(atMs, 'zh')).toBe('14:05:09');
  });
});
