import { AppError } from '../ops/errors.ts';

/** Back-pressure: 429 (queue full) or 503 (spool past its high-water mark), always with Retry-After. */
export class BackPressureError extends AppError {
  constructor(code: 'too_many_requests' | 'unavailable', message: string, retryAfterSeconds: number) {
    // Stock OTLP exporters give up after ~10 s of retries: keep Retry-After within 1–5 s.
    super(code, message, { retryAfterSeconds: Math.min(5, Math.max(1, Math.round(retryAfterSeconds))) });
    this.name = 'BackPressureError';
  }
}
