import type { Db } from '../../db/client.ts';
import type { Delivery } from '../../db/schema/index.ts';
import { buildDigest } from '../digest/model.ts';
import { digestMessage } from '../digest/render.ts';
import type { OutgoingMessage } from '../notify/types.ts';
import type { Clock } from '../time.ts';

/** The message of each kind of delivery, built from the database when it is sent. */
export function deliveryRenderer(db: Db, clock: Clock, alert: (d: Delivery) => Promise<OutgoingMessage | null>) {
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    if (d.kind === 'digest') return digestMessage(await buildDigest(db, d.subject, clock().getTime()));
    return alert(d);
  };
}
