import { useId, useMemo, useState } from 'react';
import type { HistoryItem } from '../../shared/api';
import { numberAt, numericPaths, parseJson } from '../jsonValues';
import { Chart } from './Chart';

/** The value of each text message, parsed once. */
function valuesOf(messages: readonly HistoryItem[]): { ts: number; value: unknown }[] {
  return messages.flatMap((m) => {
    if (m.encoding === 'base64') return [];
    const value = parseJson(m.message);
    return value === undefined ? [] : [{ ts: m.ts, value }];
  });
}

/** A plot of a topic's numeric value, or of a chosen numeric field of its JSON values, over the history shown. */
export function TopicPlot({ messages }: { messages: readonly HistoryItem[] }) {
  const id = useId();
  const values = useMemo(() => valuesOf(messages), [messages]);
  const fields = useMemo(() => numericPaths(values.at(-1)?.value), [values]);
  const [chosen, setChosen] = useState<string | null>(null);
  const field = chosen !== null && fields.includes(chosen) ? chosen : (fields[0] ?? null);
  const points = useMemo(() => {
    if (field === null) return [];
    return values.flatMap(({ ts, value }) => {
      const n = numberAt(value, field);
      return n === null ? [] : [{ t: ts / 1000, n }];
    });
  }, [values, field]);
  if (field === null || points.length < 2) return null;
  const times = points.map((p) => p.t);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? first + 1;
  return (
    <div className="topic-plot" data-testid="topic-plot" data-points={points.length} data-last={points.at(-1)?.n}>
      <div className="topic-plot-head">
        <h3>Plot</h3>
        {fields.length > 1 || field !== '' ? (
          <label htmlFor={id} className="muted">
            Field{' '}
            <select id={id} value={field} onChange={(event) => setChosen(event.target.value)}>
              {fields.map((f) => (
                <option key={f} value={f}>
                  {f === '' ? '(value)' : f}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <Chart
        times={times}
        lines={[{ label: field === '' ? 'value' : field, color: '--chart-1', values: points.map((p) => p.n) }]}
        xRange={[first, last === first ? first + 1 : last]}
        height={140}
        fromZero={false}
      />
      <p className="visually-hidden">{`${points.length} values, the last ${points.at(-1)?.n ?? ''}`}</p>
    </div>
  );
}
