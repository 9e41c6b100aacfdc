/**
 * What a subscribe brings a device besides future messages: for each topic of its topics frame,
 * the messages it missed since the position it gives (`since`, envelope connections only), or the
 * topic's retained message. Run in the same turn as the subscribe itself, so no publish can fall
 * between the missed messages and the live ones: no gap and no duplicate at the seam.
 */
import type { StreamPosition } from '../../../../shared/api';
import { recoveryJson, type RecoveryResult } from '../../../../shared/protocol';
import type { Connection } from './connection';
import type { Engine, Publication } from '../history/types';
import { Delivery } from './fanout';

const deliveryOf = (publication: Publication, epoch: string, retained: boolean): Delivery =>
  new Delivery(
    publication.topic,
    publication.message,
    publication.userId,
    publication.ts,
    publication.offset,
    epoch,
    retained,
  );

/**
 * Sends `connection` what its new topic set brings (see above), then, with `since`, the recovery
 * frame. A connection that held its deliveries for this first frame (`?wait=subscribe`) gets them
 * now, for the topics it asked nothing of (a recovery already covers them).
 */
export function answerSubscribe(
  engine: Engine,
  connection: Connection,
  topics: readonly string[],
  since: Record<string, StreamPosition> | undefined,
): void {
  const { userId } = connection.record;
  const held = connection.takeHeld();
  const results: Record<string, RecoveryResult> = {};
  for (const topic of topics) {
    const asked = since?.[topic];
    if (asked !== undefined) {
      const recovery = engine.recover(topic, asked, userId);
      results[topic] = { recovered: recovery.recovered, ...recovery.position };
      const { epoch } = recovery.position;
      for (const publication of recovery.publications) connection.deliver(deliveryOf(publication, epoch, false));
      if (recovery.recovered) continue;
    }
    const retained = engine.retained(topic);
    if (retained !== null && (retained.userId === undefined || retained.userId === userId)) {
      const epoch = engine.position(topic)?.epoch ?? '';
      connection.deliver(deliveryOf(retained, epoch, true));
    }
    if (asked === undefined) for (const delivery of held) if (delivery.topic === topic) connection.deliver(delivery);
  }
  if (since !== undefined) connection.answer(recoveryJson(results));
}
