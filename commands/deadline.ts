/**
 * Slack and Discord both want a first answer within 3 seconds. An adapter races the command against its
 * deadline with this: the value when it came in time, `undefined` when the deadline passed first (the
 * adapter then acknowledges and finishes the same promise later).
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
