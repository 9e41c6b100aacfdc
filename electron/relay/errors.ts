import type { ErrorBody, ErrorCode } from '../../shared/api';

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

/** The JSON error body for a code and message. */
export function errorJson(code: ErrorCode, message: string): string {
  const body: ErrorBody = { error: { code, message } };
  return JSON.stringify(body);
}
