import type { Db } from '../../db/client.ts';
import type { Delivery } from '../../db/schema/index.ts';
import { digestChart } from '../digest/chart.ts';
import { buildDigest } from '../digest/model.ts';
import { segmentChangeView } from '../audience/segment-view.ts';
import type { OutgoingMessage } from './notifiers/types.ts';
import type { Clock } from '../time.ts';

/** The model of each kind of delivery, built from the database when it is sent; notifiers render it. */
export function deliveryRenderer(db: Db, clock: Clock, alert: (d: Delivery) => Promise<OutgoingMessage | null>) {
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    if (d.kind === 'segment') {
      const change = await segmentChangeView(db, d.subject);
      return change && { kind: 'segment', change };
    }
    if (d.kind !== 'digest') return alert(d);
    const digest = await buildDigest(db, d.subject, clock().getTime());
    return { kind: 'digest', digest, chart: await digestChart(digest) };
  };
}
