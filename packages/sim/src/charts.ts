import type { TopLevelSpec } from 'vega-lite';

/*
 * Line charts as SVG, for the HTML report (report-html.ts) and the charts of
 * docs/simulation.md (comparison-charts.ts): one spec builder and one
 * renderer, so that every chart Lineup draws looks alike.
 *
 * The charts are Vega-Lite specs rendered to SVG here, in Node, by a headless
 * Vega view (renderer 'none'): the result needs no script and no network to
 * be read, and the same data give the same bytes. Rendering in the browser
 * instead would have needed Vega's scripts inlined (~1 MB) or a CDN link;
 * drawing the SVG by hand would have meant writing axes and scales ourselves.
 */

/** One point of a line chart: `series` picks the colour and `variant`, when given, the dash. */
export interface ChartPoint {
  x: number | string;
  series: string;
  variant?: string;
  value: number;
}

/** An axis: its title, its number format (d3-format) and, optionally, a fixed domain. */
export interface ChartAxis {
  title: string;
  format?: string;
  domain?: [number, number];
  /** An ordinal x axis (position buckets, say): these categories, in this order. */
  categories?: readonly string[];
}

/** A line chart: lines per series (and variant), and a dashed horizontal target if one is given. */
export interface LineChart {
  points: readonly ChartPoint[];
  x: ChartAxis;
  y: ChartAxis;
  target?: number;
}

const chartWidthPx = 640;
const chartHeightPx = 180;

/** The Vega-Lite spec of a line chart. */
export function lineChartSpec(chart: LineChart): TopLevelSpec {
  const { x, y, target } = chart;
  // Variants in the order they first appear, so the first (the trace, say) gets the solid line.
  const variants = [
    ...new Set(
      chart.points.flatMap((point) => (point.variant === undefined ? [] : [point.variant])),
    ),
  ];
  return {
    width: chartWidthPx,
    height: chartHeightPx,
    layer: [
      {
        data: { values: chart.points.map((point) => ({ ...point })) },
        mark: { type: 'line', point: { size: 12 } },
        encoding: {
          x:
            x.categories === undefined
              ? {
                  field: 'x',
                  type: 'quantitative',
                  title: x.title,
                  ...(x.domain === undefined ? {} : { scale: { domain: x.domain } }),
                  axis: { format: x.format ?? 'd', tickMinStep: 1 },
                }
              : {
                  field: 'x',
                  type: 'ordinal',
                  title: x.title,
                  sort: [...x.categories],
                  axis: { labelAngle: 0 },
                },
          y: {
            field: 'value',
            type: 'quantitative',
            title: y.title,
            axis: { format: y.format ?? 'd' },
            ...(y.domain === undefined ? {} : { scale: { domain: y.domain } }),
          },
          color: { field: 'series', type: 'nominal', title: null },
          ...(variants.length === 0
            ? {}
            : {
                strokeDash: {
                  field: 'variant',
                  type: 'nominal' as const,
                  title: null,
                  scale: { domain: variants },
                },
              }),
        },
      },
      ...(target === undefined
        ? []
        : [
            {
              data: { values: [{ target }] },
              mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#d62728' },
              encoding: { y: { field: 'target', type: 'quantitative' as const } },
            },
          ]),
    ],
  };
}

/** Renders a line chart to SVG. */
export async function renderLineChartSvg(chart: LineChart): Promise<string> {
  return renderSvg(lineChartSpec(chart));
}

/**
 * Vega-Lite → Vega → SVG in a headless view, finalized so that nothing keeps running.
 * Vega is loaded on the first chart, not with the package: it is most of the code the `lineup`
 * command would otherwise load at every start, `lineup serve` included, which draws no chart.
 */
async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
