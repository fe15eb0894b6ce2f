import { failedDeliveries } from '../src/delivery/deliveries.ts';
import type { CommandContext } from './types.ts';

/** `npx user360 alerts failed`: alert deliveries that were given up, oldest first, each with its last error. */
export const failedAlertDeliveries = (ctx: Pick<CommandContext, 'store'>) => failedDeliveries(ctx.store.db, 'alert');
