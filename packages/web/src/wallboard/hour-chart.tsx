import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useLanguage } from '../shared/i18n.tsx';
import { chartDateNames, chartTimeTemplate, summaryOf, type Sample } from './samples.ts';
import { wallboardWords } from './wallboard-words.ts';

/*
 * A queue's last hour on the wallboard: contacts waiting and the service
 * level, sampled from the live status while the page is open (at most one
 * sample every few seconds, an hour kept), drawn with uPlot. A sentence under
 * it says the same for those who do not read charts.
 */

/** The chart of one queue's samples. */
export function HourChart({ samples, label }: { samples: readonly Sample[]; label: string }) {
  const holder = useRef<HTMLDivElement | null>(null);
  const chart = useRef<uPlot | null>(null);
  const language = useLanguage();
  const t = wallboardWords[language];
  const latestSamples = useRef(samples);
  latestSamples.current = samples;

  useEffect(() => {
    if (holder.current === null) return;
    chart.current = new uPlot(
      {
        width: 320,
        height: 120,
        legend: { show: true },
        fmtDate: (template) => {
          const names = chartDateNames[language];
          const localized = chartTimeTemplate(template, language);
          return names === null ? uPlot.fmtDate(localized) : uPlot.fmtDate(localized, names);
        },
        cursor: { show: false },
        scales: { x: { time: true }, percent: { range: [0, 100] } },
        axes: [{}, { scale: 'y', size: 36 }, { scale: 'percent', size: 40, grid: { show: false } }],
        series: [
          { label: t.time },
          { label: t.waiting, scale: 'y', stroke: '#2151c5', width: 2 },
          { label: t.serviceLevelPercent, scale: 'percent', stroke: '#17703a', width: 2 },
        ],
      },
      [[], [], []],
      holder.current,
    );
    chart.current.setData(dataOf(latestSamples.current));
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // The chart is drawn again when the language changes: its legend and time axis speak it.
  }, [t, language]);

  useEffect(() => {
    chart.current?.setData(dataOf(samples));
  }, [samples]);

  return (
    <figure className="hour-chart" aria-label={label}>
      <div ref={holder} />
      <figcaption>{summaryOf(samples, language)}</figcaption>
    </figure>
  );
}

/** uPlot's columns: times in seconds, waiting counts, service levels in whole percent. */
function dataOf(samples: readonly Sample[]): uPlot.AlignedData {
  return [
    samples.map((sample) => sample.atMs / 1000),
    samples.map((sample) => sample.waiting),
    samples.map((sample) =>
      sample.serviceLevel === null ? null : Math.round(sample.serviceLevel * 100),
    ),
  ];
}
