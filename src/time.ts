/** Every "day" in User 360 is a GMT+8 calendar day, whatever the server's own timezone. */
export const GMT8_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function gmt8Day(at: number | Date): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms + GMT8_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 GMT+8 on `day` (YYYY-MM-DD). */
export function gmt8DayStart(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

export function addDays(day: string, n: number): string {
  return gmt8Day(gmt8DayStart(day) + n * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((gmt8DayStart(to) - gmt8DayStart(from)) / DAY_MS);
}

/** `2026-11-20T10:00:00+08:00` style, for people reading Taipei time. */
export function formatGmt8(ms: number): string {
  return `${new Date(ms + GMT8_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')} GMT+8`;
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && gmt8Day(gmt8DayStart(day)) === day;
}
