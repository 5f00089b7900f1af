import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodeList, errorCodes, rejection } from '../src/index.ts';

/** The rows of the table in docs/errors.md: code, HTTP status, retry. */
function documentedCodes(): { code: string; status: number; isRetryable: boolean }[] {
  const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows: { code: string; status: number; isRetryable: boolean }[] = [];
  for (const line of text.split('\n')) {
    const match = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|/.exec(line);
    if (match !== null)
      rows.push({ code: match[1]!, status: Number(match[2]), isRetryable: match[3] === 'yes' });
  }
  return rows;
}

describe('error registry', () => {
  it('[errors] docs/errors.md lists every code with its status and retry advice, and nothing else', () => {
    const registry = errorCodeList.map((code) => ({
      code,
      status: errorCodes[code].status,
      isRetryable: errorCodes[code].isRetryable,
    }));
    expect(documentedCodes()).toEqual(registry);
  });

  it('[errors] codes are snake_case and every message says what to do in a sentence', () => {
    for (const code of errorCodeList) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(errorCodes[code].message).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('[errors] a rejection defaults its message to the registry and keeps details', () => {
    expect(rejection('queue_not_found')).toEqual({
      code: 'queue_not_found',
      message: errorCodes.queue_not_found.message,
    });
    expect(rejection('queue_full', 'Queue q is full.', { queueId: 'q' })).toEqual({
      code: 'queue_full',
      message: 'Queue q is full.',
      details: { queueId: 'q' },
    });
  });
});
