import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; the redaction list is a second line of defence, callers already log ids rather than personal data. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.authorization', '*.token', '*.email', '*.phone', '*.name', '*.document_id', 'req.headers.authorization', '*.signingSecret', '*.botToken'],
      censor: '[redacted]',
    },
  });
}
