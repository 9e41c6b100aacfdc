import { peak } from '../charts';
import { Chart, type ChartLine } from './Chart';

/** Props of {@link ChartCard}. */
export interface ChartCardProps {
  title: string;
  testId: string;
  words: string;
  times: number[];
  xRange: [number, number];
  lines: ChartLine[];
  format: (n: number) => string;
  /** Each line's average over the window, shown in the legend instead of its last value. */
  averages?: number[];
  /** A sentence under the chart. */
  note?: string;
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
}

/** A chart with its title, its latest value and peak in words (what a screen reader reads), and a legend. */
export function ChartCard({
  title,
  testId,
  words,
  times,
  xRange,
  lines,
  format,
  averages,
  note,
  integer,
}: ChartCardProps) {
  const current = (l: ChartLine, i: number): string =>
    averages === undefined ? format(l.values.at(-1) ?? 0) : `average ${format(averages[i] ?? 0)}`;
  const summary =
    lines.length === 0
      ? `No publishes to subscribed topics in ${words}.`
      : lines
          .map(
            (l, i) =>
              `${l.label}: ${averages === undefined ? 'now ' : ''}${current(l, i)}, peak ${format(peak(l.values))}`,
          )
          .join('; ');
  const first = lines[0];
  return (
    <figure
      className="card chart-card"
      data-testid={testId}
      data-points={times.length}
      data-last={first?.values.at(-1) ?? 0}
    >
      <figcaption className="chart-head">
        <h2>{title}</h2>
        {lines.length === 1 && first !== undefined && (
          <span className="chart-now">{format(first.values.at(-1) ?? 0)}</span>
        )}
      </figcaption>
      <p className="visually-hidden">{`${title} over ${words}. ${summary}`}</p>
      <Chart times={times} lines={lines} xRange={xRange} integer={integer === true} />
      {lines.length !== 1 ? (
        <ul className="chart-legend">
          {lines.map((l, i) => (
            <li key={l.label} className={`legend-${l.color.slice(2)}`}>
              <span className="legend-swatch" aria-hidden="true" />
              {l.label}
              <span className="muted"> {current(l, i)}</span>
            </li>
          ))}
          {lines.length === 0 && <li className="muted">No publishes to subscribed topics yet.</li>}
        </ul>
      ) : null}
      {note !== undefined && (
        <p className="muted chart-note" data-testid="chart-note">
          {note}
        </p>
      )}
    </figure>
  );
}
