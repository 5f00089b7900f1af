import { describe, expect, it } from 'vitest';
import { collectionsOf, eventLoopDelayOf, valueOf } from '../bench/metrics-text.ts';

/*
 * The server bench reads the server's own pauses from /metrics: the
 * collections prom-client counts by kind, and its event-loop delay figures,
 * which are times between runs of a 10 ms timer.
 */

const text = [
  '# HELP nodejs_eventloop_lag_p50_seconds The 50th percentile of the recorded event loop delays.',
  '# TYPE nodejs_eventloop_lag_p50_seconds gauge',
  'nodejs_eventloop_lag_p50_seconds 0.010125311',
  'nodejs_eventloop_lag_p99_seconds 0.018743295',
  'nodejs_eventloop_lag_max_seconds 0.061931519',
  '# TYPE nodejs_gc_duration_seconds histogram',
  'nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 3',
  'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="minor"} 40',
  'nodejs_gc_duration_seconds_sum{kind="minor"} 0.13',
  'nodejs_gc_duration_seconds_count{kind="minor"} 40',
  'nodejs_gc_duration_seconds_sum{kind="major"} 0.025',
  'nodejs_gc_duration_seconds_count{kind="major"} 2',
  'nodejs_gc_duration_seconds_sum{kind="incremental"} 0.004',
  'nodejs_gc_duration_seconds_count{kind="incremental"} 3',
  'lineup_journal_commit_thread_nice -10',
].join('\n');

describe('metrics text: the server’s pauses', () => {
  it('reads the collections by kind, zero for a kind the server has not had', () => {
    expect(collectionsOf(text)).toEqual({
      minor: { count: 40, seconds: 0.13 },
      major: { count: 2, seconds: 0.025 },
      incremental: { count: 3, seconds: 0.004 },
      weakcb: { count: 0, seconds: 0 },
    });
  });

  it('gives the event-loop delay beyond the 10 ms timer, never below zero', () => {
    expect(eventLoopDelayOf(text)).toEqual({ p50: 0.13, p99: 8.74, max: 51.93 });
    expect(eventLoopDelayOf('nodejs_eventloop_lag_p50_seconds 0.0099')).toEqual({
      p50: 0,
      p99: 0,
      max: 0,
    });
  });

  it('reads a gauge with no labels, or null when the server does not report it', () => {
    expect(valueOf(text, 'lineup_journal_commit_thread_nice')).toBe(-10);
    expect(valueOf(text, 'nodejs_gc_duration_seconds_count')).toBeNull();
    expect(valueOf(text, 'lineup_missing')).toBeNull();
  });
});
