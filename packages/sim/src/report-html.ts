import { renderLineChartSvg, type ChartAxis, type ChartPoint, type LineChart } from './charts.ts';
import {
  percent,
  type PeriodStatistics,
  type QueueSection,
  type SimulationReport,
} from './report.ts';

/*
 * The report as one self-contained HTML page (issue 7: "an HTML page with
 * charts"): per queue and for all queues, three charts over the day's
 * intervals and a table of the day's totals.
 *
 * The charts are rendered to SVG by charts.ts and inlined: the page needs no
 * script and no network to be read, and the same report gives the same bytes.
 *
 * "Predicted vs real wait" uses what the report keeps: the real wait is the
 * interval's ASA and the predicted one is ASA + the EWT bias (mean predicted −
 * real). For a queue whose answered customers all arrived there these are the
 * two means exactly; for an overflow target, and for all queues, the EWT is
 * measured only on customers answered where they arrived, so the line is an
 * approximation.
 */

/** Extra lines to draw: the service level the centre aims at, as a fraction (0.8 for 80 %). */
export interface ReportHtmlOptions {
  serviceLevelTarget?: number;
}

const msPerHour = 3_600_000;
const msPerSecond = 1_000;

/** Renders a report as an HTML page whose charts are inline SVG: no scripts, no external URLs. */
export async function renderReportHtml(
  report: SimulationReport,
  title: string,
  options: ReportHtmlOptions = {},
): Promise<string> {
  const sections: string[] = [];
  for (const section of [...report.queues, report.total]) {
    sections.push(await sectionHtml(report, section, options));
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${pageCss}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Day ${clockOf(report.dayStartMs)}–${clockOf(report.dayEndMs)}, intervals of ${report.intervalMs / 60_000} minutes.</p>`,
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The three charts of one section, rendered to SVG. */
export async function sectionCharts(
  report: SimulationReport,
  section: QueueSection,
  options: ReportHtmlOptions = {},
): Promise<{ contacts: string; serviceLevel: string; wait: string }> {
  return {
    contacts: await renderLineChartSvg(contactsChart(report, section)),
    serviceLevel: await renderLineChartSvg(serviceLevelChart(report, section, options)),
    wait: await renderLineChartSvg(waitChart(report, section)),
  };
}

async function sectionHtml(
  report: SimulationReport,
  section: QueueSection,
  options: ReportHtmlOptions,
): Promise<string> {
  const charts = await sectionCharts(report, section, options);
  const threshold =
    section.serviceLevelThresholdMs === null
      ? "each queue's own threshold"
      : `threshold ${section.serviceLevelThresholdMs / msPerSecond} s`;
  return [
    '<section>',
    `<h2>${escapeHtml(section.name)}</h2>`,
    dayTableHtml(section.day),
    '<h3>Contacts per interval</h3>',
    charts.contacts,
    `<h3>Service level per interval (${escapeHtml(threshold)})</h3>`,
    charts.serviceLevel,
    '<h3>Predicted vs real wait (mean per interval)</h3>',
    charts.wait,
    '</section>',
  ].join('\n');
}

function dayTableHtml(day: PeriodStatistics): string {
  const cells: [string, string][] = [
    ['offered', String(day.offered)],
    ['answered', String(day.answered)],
    ['abandoned', String(day.abandoned)],
    ['callback', String(day.callbacks)],
    ['overflow', String(day.overflowed)],
    ['waiting at end', String(day.waitingAtEnd)],
    ['SL', percent(day.serviceLevel)],
    ['ASA', seconds(day.asaMs)],
    ['occupancy', percent(day.occupancy)],
    ['EWT MAE', seconds(day.ewt.maeMs)],
    ['EWT bias', seconds(day.ewt.biasMs)],
  ];
  const head = cells.map(([name]) => `<th>${name}</th>`).join('');
  const body = cells.map(([, value]) => `<td>${escapeHtml(value)}</td>`).join('');
  return `<table class="day"><tr>${head}</tr><tr>${body}</tr></table>`;
}

function contactsChart(report: SimulationReport, section: QueueSection): LineChart {
  const points = section.intervals.flatMap((period) => [
    point(period, 'offered', period.offered),
    point(period, 'answered', period.answered),
    point(period, 'abandoned', period.abandoned),
  ]);
  return overTheDay(report, points, { title: 'contacts', format: 'd' });
}

function serviceLevelChart(
  report: SimulationReport,
  section: QueueSection,
  options: ReportHtmlOptions,
): LineChart {
  const points = section.intervals.flatMap((period) =>
    period.serviceLevel === null ? [] : [point(period, 'service level', period.serviceLevel)],
  );
  return overTheDay(
    report,
    points,
    { title: 'service level', format: '.0%', domain: [0, 1] },
    options.serviceLevelTarget,
  );
}

function waitChart(report: SimulationReport, section: QueueSection): LineChart {
  const points = section.intervals.flatMap((period) => {
    if (period.asaMs === null) return [];
    const real = point(period, 'real (ASA)', period.asaMs / msPerSecond);
    if (period.ewt.biasMs === null) return [real];
    const predictedMs = period.asaMs + period.ewt.biasMs;
    return [real, point(period, 'predicted (EWT)', predictedMs / msPerSecond)];
  });
  return overTheDay(report, points, { title: 'wait (s)', format: 'd' });
}

function point(period: PeriodStatistics, series: string, value: number): ChartPoint {
  return { x: period.startMs / msPerHour, series, value };
}

/** A line per series over the day's hours, and a dashed target line if one is given. */
function overTheDay(
  report: SimulationReport,
  points: ChartPoint[],
  y: ChartAxis,
  target?: number,
): LineChart {
  return {
    points,
    x: {
      title: 'hour of the day',
      format: 'd',
      domain: [report.dayStartMs / msPerHour, report.dayEndMs / msPerHour],
    },
    y,
    ...(target === undefined ? {} : { target }),
  };
}

function seconds(ms: number | null): string {
  return ms === null ? '–' : `${(ms / msPerSecond).toFixed(1)} s`;
}

function clockOf(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

const pageCss = [
  'body { font-family: sans-serif; margin: 2em; color: #222; }',
  'table.day { border-collapse: collapse; margin: 0.5em 0 1em; }',
  'table.day th, table.day td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }',
  'section { margin-bottom: 3em; }',
].join(' ');
