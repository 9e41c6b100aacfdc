import type { ErrorBody, ErrorCode } from '../../../shared/api';

/** An HTTP-level failure with a status and a stable code (tests assert the code, not the message). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A limit refused a call made through the relay's API (the GUI's commands); `code` is stable. */
export class LimitError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'too_many_registrations' | 'message_too_large'>,
    message: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/** The JSON error body for a code and message. */
export function errorJson(code: ErrorCode, message: string): string {
  const body: ErrorBody = { error: { code, message } };
  return JSON.stringify(body);
}
