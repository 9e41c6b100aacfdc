import { afterEach, describe, expect, it } from 'vitest';
import { rawSocketOf } from '../../electron/relay/core/clients/fanout';
import { Device, postJson, rawRequest, startHub, type TestHub } from '../support/relay';

/** Parses Prometheus text: every sample line must be `name{labels} value`; returns name{labels} → value. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\w+) (counter|gauge|histogram|summary)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# (HELP|TYPE) \w+ .+$/);
      continue;
    }
    const sample = /^(\w+)(\{(\w+="[^"]*"(,\w+="[^"]*")*)?\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample: ${line}`);
    // A histogram's samples are its name with _bucket, _sum or _count.
    const name = sample[1] as string;
    expect(types.has(name) || types.get(name.replace(/_(bucket|sum|count)$/, '')) === 'histogram').toBe(true);
    // prom-client's event-loop figures are NaN before the first sample (Prometheus reads "Nan" as NaN).
    const value = sample[5] === 'Nan' ? Number.NaN : Number(sample[5]);
    expect(Number.isNaN(value) && !/^relay_hub_nodejs_eventloop_lag_\w+_seconds$/.test(name)).toBe(false);
    samples.set(`${sample[1]}${sample[2] ?? ''}`, value);
  }
  return samples;
}

describe('GET /metrics', () => {
  let hub: TestHub;
  afterEach(async () => {
    await hub.relay.stop();
  });

  const scrape = async (): Promise<Map<string, number>> => {
    const res = await rawRequest(hub.port, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(res.text);
  };

  it('reports gauges and counters that move with real traffic and a rejected request', async () => {
    hub = await startHub();
    const before = await scrape();
    expect(before.get('relay_hub_connections')).toBe(0);
    expect(before.get('relay_hub_publishes_total')).toBe(0);

    const a = await Device.join(hub, 1);
    const b = await Device.join(hub, 2);
    await postJson(hub.port, '/register', { user_id: 2 });
    await b.setTopics(hub, ['dogs']);
    const received = a.waitForMessages(2);
    for (const message of ['one', 'two']) {
      expect((await postJson(hub.port, '/publish', { topic: 'cats', message })).status).toBe(200);
    }
    await received;
    expect((await postJson(hub.port, '/register', { user_id: 'x' })).status).toBe(400);
    expect((await rawRequest(hub.port, 'GET', '/nowhere')).status).toBe(404);
    expect((await rawRequest(hub.port, 'GET', '/nowhere')).status).toBe(404);

    const after = await scrape();
    expect(after.get('relay_hub_connections')).toBe(2);
    expect(after.get('relay_hub_registrations')).toBe(3);
    expect(after.get('relay_hub_users')).toBe(2);
    expect(after.get('relay_hub_topics')).toBe(2);
    expect(after.get('relay_hub_publishes_total')).toBe(2);
    expect(after.get('relay_hub_deliveries_total')).toBe(2);
    // Two 3-byte messages in 5-byte frames, each delivered once.
    expect(after.get('relay_hub_published_bytes_total')).toBe(10);
    expect(after.get('relay_hub_delivered_bytes_total')).toBe(10);
    expect(after.get('relay_hub_rejected_requests_total{reason="invalid_user_id"}')).toBe(1);
    expect(after.get('relay_hub_rejected_requests_total{reason="not_found"}')).toBe(2);
    expect(after.get('relay_hub_slow_consumer_closes_total')).toBe(0);
    expect(after.get('relay_hub_heartbeat_terminations_total')).toBe(0);
    expect(after.get('relay_hub_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    await a.close();
    await b.close();
  });

  it('reports the event-loop lag since the previous scrape', async () => {
    hub = await startHub();
    await scrape();
    // The hub runs in this process: block its event loop for 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const end = Date.now() + 100;
    while (Date.now() < end);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const lag = await scrape();
    expect(lag.get('relay_hub_event_loop_lag_seconds{stat="max"}')).toBeGreaterThan(0.08);
    // The documented gauge reads prom-client's default metric of the same scrape.
    expect(lag.get('relay_hub_event_loop_lag_seconds{stat="max"}')).toBe(
      lag.get('relay_hub_nodejs_eventloop_lag_max_seconds'),
    );
    expect(lag.get('relay_hub_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts heartbeat terminations', async () => {
    hub = await startHub({ heartbeatIntervalMs: 50 });
    const { url } = (await postJson(hub.port, '/register', { user_id: 1 })).json as { url: string };
    // autoPong off: the device never answers pings, so the second heartbeat cuts it.
    const device = await Device.connect(url, { autoPong: false });
    expect(await device.closed()).toBe(1006);
    expect((await scrape()).get('relay_hub_heartbeat_terminations_total')).toBe(1);
  });

  it('counts slow-consumer drops', async () => {
    hub = await startHub({ maxBufferedBytes: 64 * 1024, slowConsumerPolicy: 'drop' });
    const slow = await Device.join(hub, 1);
    rawSocketOf(slow.ws)?.pause(); // stops reading: kernel buffers fill, then the hub's backlog
    const message = 'x'.repeat(4096);
    for (let i = 0; i < 4096 && hub.relay.stats().droppedMessages < 10; i++) {
      await hub.relay.publish({ topic: 'cats', message });
      if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    const dropped = hub.relay.stats().droppedMessages;
    expect(dropped).toBeGreaterThanOrEqual(10);
    expect((await scrape()).get('relay_hub_slow_consumer_drops_total')).toBe(dropped);
    slow.ws.terminate();
  });

  it('counts disconnects by reason and close code, and reports the configured limits', async () => {
    hub = await startHub({ maxPayloadBytes: 64, maxConnections: 7, publishRatePerSec: 50 });
    const big = await Device.join(hub, 1);
    big.ws.send('x'.repeat(65));
    expect(await big.closed()).toBe(1009);
    const polite = await Device.join(hub, 2);
    polite.ws.close(1000);
    expect(await polite.closed()).toBe(1000);
    const deadline = Date.now() + 2_000;
    while (hub.relay.stats().connected > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const samples = await scrape();
    // The hub closed it with 1009; `ws` then reports the abnormal end (1006) as the socket's close code.
    expect(samples.get('relay_hub_disconnects_total{reason="error",code="1006"}')).toBe(1);
    expect(samples.get('relay_hub_disconnects_total{reason="client_closed",code="1000"}')).toBe(1);
    expect(samples.get('relay_hub_limit{limit="max_connections"}')).toBe(7);
    expect(samples.get('relay_hub_limit{limit="publish_rate_per_second"}')).toBe(50);
    expect(samples.get('relay_hub_limit{limit="register_rate_per_second"}')).toBe(0);
  });

  it('answers HEAD and refuses other methods like every route', async () => {
    hub = await startHub();
    expect((await rawRequest(hub.port, 'HEAD', '/metrics')).status).toBe(200);
    expect((await rawRequest(hub.port, 'POST', '/metrics', '{}')).status).toBe(405);
  });
});
