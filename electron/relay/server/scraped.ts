/**
 * Metrics read when Prometheus scrapes (nothing is counted on the hot path): a gauge or a counter
 * whose value comes from `read()`; null leaves it without a value (a cluster metric while the
 * hub has no cluster view yet).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** A gauge set from `read()` at each scrape. */
export function scrapedGauge(registry: Registry, name: string, help: string, read: () => number | null): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value !== null) this.set(value);
    },
  });
}

/** A counter whose total is `read()` at each scrape (the hub keeps the count). */
export function scrapedCounter(registry: Registry, name: string, help: string, read: () => number | null): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      const value = read();
      if (value !== null) this.inc(value);
    },
  });
}
