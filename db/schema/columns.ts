import { integer } from 'drizzle-orm/sqlite-core';

// Times are epoch milliseconds: compact, index-friendly and free of timezone ambiguity.
export const epochMs = (name: string) => integer(name, { mode: 'number' });

export const createdAt = () => ({ createdAt: epochMs('created_at').notNull() });
