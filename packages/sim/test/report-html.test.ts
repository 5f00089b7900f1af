import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../src/report-html.ts';
import type { Scenario } from '../src/scenario.ts';
import { simulate } from '../src/simulator.ts';

/*
 * The HTML report (issue 7: "an HTML page with charts"): per section three
 * inline SVG charts and the day's totals, nothing fetched from elsewhere, and
 * the same page for the same seed.
 */

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;

/** A two-hour day of two queues, with overflow, so both queue sections and the total have data. */
function smallDay(seed: number): Scenario {
  const perInterval = (rate: number): number[] => Array.from({ length: 8 }, () => rate);
  return {
    seed,
    dayStartMs: 8 * hourMs,
    dayEndMs: 10 * hourMs,
    queues: [
      {
        settings: {
          id: 'sales',
          name: 'Sales & <Co>',
          channels: ['voice'],
          maxWaitMs: 3 * minuteMs,
          overflowQueueId: 'support',
        },
        arrivals: { kind: 'poisson', perInterval: perInterval(25) },
        serviceTime: { kind: 'exponential', meanMs: 180_000 },
        patience: { kind: 'exponential', meanMs: 240_000 },
      },
      {
        settings: { id: 'support', name: 'Support', channels: ['voice'] },
        arrivals: { kind: 'poisson', perInterval: perInterval(15) },
        serviceTime: { kind: 'exponential', meanMs: 200_000 },
        patience: { kind: 'exponential', meanMs: 240_000 },
      },
    ],
    agents: [
      {
        id: 'all',
        count: 8,
        memberships: [
          { queueId: 'sales', priority: 1 },
          { queueId: 'support', priority: 0 },
        ],
        shifts: [{ startMs: 7.75 * hourMs, endMs: 10.5 * hourMs }],
      },
    ],
  };
}

/** The HTML between one <section> tag and its end. */
function sectionsOf(html: string): string[] {
  return [...html.matchAll(/<section>([\s\S]*?)<\/section>/g)].map((match) => match[1] ?? '');
}

describe('renderReportHtml', () => {
  it('[report-html] draws three SVG charts per queue and for all queues, with the day in a table', async () => {
    const { report } = simulate(smallDay(7));
    const html = await renderReportHtml(report, 'Small day');
    const sections = sectionsOf(html);
    expect(sections).toHaveLength(report.queues.length + 1);
    for (const section of sections) {
      expect(section.match(/<svg[\s>]/g)).toHaveLength(3);
    }
    expect(html).toContain('<h2>Sales &amp; &lt;Co&gt;</h2>');
    expect(html).toContain('<h2>All queues</h2>');
    const total = sections.at(-1) ?? '';
    expect(total).toContain(`<td>${report.total.day.offered}</td>`);
    expect(total).toContain(`<td>${report.total.day.answered}</td>`);
    expect(report.total.day.offered).toBeGreaterThan(0);
  });

  it('[report-html] draws the service-level target as a dashed line only when it is given', async () => {
    const { report } = simulate(smallDay(7));
    const without = await renderReportHtml(report, 'Small day');
    const withTarget = await renderReportHtml(report, 'Small day', { serviceLevelTarget: 0.8 });
    expect(without).not.toContain('stroke-dasharray');
    expect(withTarget.match(/stroke-dasharray="4,4"/g)).toHaveLength(report.queues.length + 1);
  });

  it('[report-html] needs no network: no script and no external URL in src or href', async () => {
    const { report } = simulate(smallDay(7));
    const html = await renderReportHtml(report, 'Small day', { serviceLevelTarget: 0.8 });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*http/i);
    expect(html).not.toMatch(/<link/i);
  });

  it('[report-html] gives the same page for the same seed, and another for another seed', async () => {
    const first = await renderReportHtml(simulate(smallDay(11)).report, 'Day');
    const second = await renderReportHtml(simulate(smallDay(11)).report, 'Day');
    const other = await renderReportHtml(simulate(smallDay(12)).report, 'Day');
    expect(second).toBe(first);
    expect(other).not.toBe(first);
  });
});
