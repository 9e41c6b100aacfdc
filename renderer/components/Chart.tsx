import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clockMinutes, clockSeconds, formatCompact } from '../format';

/** One line of a chart: its label, its CSS colour variable (e.g. `--chart-1`) and its values. */
export interface ChartLine {
  label: string;
  color: string;
  values: readonly number[];
}

/** Props of {@link Chart}: x values are epoch seconds; the x range is fixed so an empty chart still shows the window. */
export interface ChartProps {
  times: readonly number[];
  lines: readonly ChartLine[];
  xRange: [number, number];
  height?: number;
  /** The y axis starts at 0 (counts, rates); false: it fits the values (a temperature). */
  fromZero?: boolean;
  /** The y axis ticks whole numbers only (a count: no 0.5 connection). */
  integer?: boolean;
}

/** Tick steps of a count axis: whole numbers only. */
export const integerIncrements = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000,
];

const dark = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');
const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
/** The chart's uPlot options (exported for tests). */
export function chartOptions(
  width: number,
  height: number,
  lines: readonly ChartLine[],
  fromZero = true,
  integer = false,
): uPlot.Options {
  const muted = cssVar('--text-muted');
  const grid = cssVar('--border');
  const axis = {
    stroke: muted,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: '11px system-ui',
  };
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          if (fromZero) return [0, Math.max(max, 1) * 1.1];
          const pad = Math.max((max - min) * 0.1, Math.abs(max) * 0.01, 0.5);
          return [min - pad, max + pad];
        },
      },
    },
    axes: [
      {
        ...axis,
        // Ticks under a minute apart need their seconds.
        values: (_u, ticks, _axis, _space, step) =>
          ticks.map((t) => (step < 60 ? clockSeconds : clockMinutes)(t * 1000)),
      },
      {
        ...axis,
        size: 48,
        ...(integer ? { incrs: integerIncrements } : {}),
        values: (_u, ticks) => ticks.map((t) => formatCompact(t)),
      },
    ],
    series: [
      {},
      ...lines.map((line) => {
        const color = cssVar(line.color);
        return { label: line.label, stroke: color, width: 1.5, fill: `${color}1f`, points: { show: false } };
      }),
    ],
  };
}

/**
 * A time-series chart drawn by uPlot on a canvas (a few milliseconds per update even at 900
 * points a line), sized to its container and redrawn in the system's light or dark colours.
 */
export function Chart({ times, lines, xRange, height = 150, fromZero = true, integer = false }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [theme, setTheme] = useState(() => dark().matches);
  const shape = lines.map((l) => `${l.label}:${l.color}`).join('|');
  const data = [times, ...lines.map((l) => l.values)] as uPlot.AlignedData;

  useEffect(() => {
    const query = dark();
    const onChange = (): void => setTheme(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  // The data the chart shows now: a chart built a task later starts from it.
  const latest = useRef({ data, xRange });

  // (Re)built when the lines or the colours change; data updates below are cheap. Each chart is
  // built in a task of its own: the Charts view built its charts in the task that showed it, one
  // task of 50–65 ms of script under load (profiled), where each chart alone takes 10–15 ms.
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    let built: { chart: uPlot; resize: ResizeObserver } | null = null;
    const timer = setTimeout(() => {
      const width = Math.max(element.clientWidth, 100);
      const chart = new uPlot(chartOptions(width, height, lines, fromZero, integer), latest.current.data, element);
      chart.setScale('x', { min: latest.current.xRange[0], max: latest.current.xRange[1] });
      const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 100), height }));
      resize.observe(element);
      plot.current = chart;
      built = { chart, resize };
    }, 0);
    return () => {
      clearTimeout(timer);
      built?.resize.disconnect();
      built?.chart.destroy();
      plot.current = null;
    };
    // Only the shape, the height and the theme rebuild the chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, theme, fromZero, integer]);

  useEffect(() => {
    latest.current = { data, xRange };
    const current = plot.current;
    if (current === null) return;
    current.batch(() => {
      current.setData(data);
      current.setScale('x', { min: xRange[0], max: xRange[1] });
    });
  });

  return <div className="chart-canvas" ref={box} aria-hidden="true" />;
}
