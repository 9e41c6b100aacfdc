import { chartData } from '../charts';
import { formatCount, formatRate } from '../format';
import { useStore } from '../store';
import type { ChartRange } from '../store/types';
import type { ChartLine } from './Chart';
import { ChartCard, type ChartCardProps } from './ChartCard';

const ranges: readonly { range: ChartRange; label: string; words: string }[] = [
  { range: '15m', label: '15 minutes', words: 'the last 15 minutes' },
  { range: '1h', label: '1 hour', words: 'the last hour' },
];
const topicColors = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5'];

/** Rates over time, kept by the hub: a GUI opened later still sees the recent past. */
export function ChartsView() {
  const series = useStore((s) => s.series);
  const range = useStore((s) => s.chartRange);
  const setChartRange = useStore((s) => s.setChartRange);
  const ring = range === '15m' ? series.fine : series.coarse;
  // The window ends at the hub's latest sample (both rings end together).
  const data = chartData(ring, series.fine.samples.at(-1)?.at ?? 0);
  const words = ranges.find((r) => r.range === range)?.words ?? '';
  const card = (
    title: string,
    testId: string,
    lines: ChartLine[],
    format: (n: number) => string,
    extra: Pick<ChartCardProps, 'averages' | 'note' | 'integer'> = {},
  ) => (
    <ChartCard
      title={title}
      testId={testId}
      words={words}
      times={data.times}
      xRange={data.range}
      lines={lines}
      format={format}
      {...extra}
    />
  );
  return (
    <section className="view" aria-label="Charts">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Time span">
          {ranges.map((r) => (
            <button
              key={r.range}
              type="button"
              className="btn btn-small"
              aria-pressed={range === r.range}
              onClick={() => setChartRange(r.range)}
            >
              {r.label}
            </button>
          ))}
        </div>
        <span className="toolbar-count">
          {range === '15m' ? 'One point a second' : 'One point per 10 seconds (averages)'}
        </span>
      </div>
      {/* Scrolls when the window is short: focusable, so the keyboard can scroll it too. */}
      <div className="charts-grid view-pad" tabIndex={0} role="region" aria-label="Charts, scrollable">
        {card(
          'Deliveries per second',
          'chart-deliveries',
          [{ label: 'deliveries/s', color: '--chart-1', values: data.deliveries }],
          formatRate,
        )}
        {card(
          'Publishes per second',
          'chart-publishes',
          [{ label: 'publishes/s', color: '--chart-2', values: data.publishes }],
          formatRate,
        )}
        {card(
          'Connections',
          'chart-connections',
          [{ label: 'connections', color: '--chart-3', values: data.connections }],
          formatCount,
          { integer: true },
        )}
        {card(
          'Slow-consumer events per second',
          'chart-slow',
          [{ label: 'slow-consumer events/s', color: '--chart-danger', values: data.slowConsumer }],
          formatRate,
        )}
        {card(
          'Busiest topics (publishes per second)',
          'chart-topics',
          data.topics.map((t, i) => ({ label: t.topic, color: topicColors[i] ?? '--chart-1', values: t.values })),
          formatRate,
          {
            averages: data.topics.map((t) => t.average),
            ...(data.evenAcross === null
              ? {}
              : {
                  note: `The load is even across ${formatCount(data.evenAcross)} topics: these are ${data.topics.length} of them.`,
                }),
          },
        )}
      </div>
    </section>
  );
}
