import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error class: `code` is stable for machines, `message` is written for people. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: ContentfulStatusCode = 400,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new AppError('not_found', message, 404);
