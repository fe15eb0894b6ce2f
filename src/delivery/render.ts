import type { Db } from '../../db/client.ts';
import type { ChatPlatform, Delivery } from '../../db/schema/index.ts';
import { digestChart } from '../digest/chart.ts';
import { buildDigest } from '../digest/model.ts';
import { segmentNoticeFor } from '../audience/segment-view.ts';
import type { OutgoingMessage } from './notifiers/types.ts';
import type { Clock } from '../time.ts';

/**
 * The model of each kind of delivery, built from the database when it is sent; notifiers render it.
 * `admins` are the configured admins per platform: a segment's personal notice checks the subscriber's role with them.
 */
export function deliveryRenderer(db: Db, clock: Clock, alert: (d: Delivery) => Promise<OutgoingMessage | null>, admins: Partial<Record<ChatPlatform, readonly string[]>> = {}) {
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    if (d.kind === 'segment') {
      const change = await segmentNoticeFor(db, d, admins);
      return change && { kind: 'segment', change };
    }
    if (d.kind !== 'digest') return alert(d);
    const digest = await buildDigest(db, d.subject, clock().getTime());
    return { kind: 'digest', digest, chart: await digestChart(digest) };
  };
}
