/** Stable codes the API maps to HTTP statuses (400 for the request's fault, 404 for a missing thing). */
export type QueryErrorCode = 'bad_cursor' | 'bad_time_range' | 'bad_filter' | 'not_found';

/** A read query refused its input, or found nothing to return where something was required. */
export class QueryError extends Error {
  readonly code: QueryErrorCode;

  constructor(code: QueryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueryError';
    this.code = code;
  }
}
