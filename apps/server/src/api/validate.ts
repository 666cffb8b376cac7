import { zValidator } from '@hono/zod-validator';
import type { ApiError } from '@sightline/contracts';
import { QueryError } from '@sightline/storage';
import type { z } from 'zod';
import { AppError } from '../ops/errors.ts';

/**
 * `zValidator('query', schema)` answering a bad query string with the API's error body: a stable
 * code, one readable message, and every issue with its parameter name.
 */
export function validQuery<T extends z.ZodType>(schema: T) {
  return zValidator('query', schema, (result, c) => {
    if (result.success) return undefined;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const body: ApiError = {
      error: {
        code: 'bad_request',
        message: issues.map((i) => `${i.path === '' ? 'query' : i.path}: ${i.message}`).join('; '),
        issues,
      },
    };
    return c.json(body, 400);
  });
}

const STATUS_CODE: Record<QueryError['code'], 'bad_request' | 'not_found'> = {
  bad_cursor: 'bad_request',
  bad_time_range: 'bad_request',
  bad_filter: 'bad_request',
  not_found: 'not_found',
};

/** Runs a storage read, turning its refusals into the server's typed errors (mapped in app.onError). */
export async function read<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof QueryError) {
      throw new AppError(STATUS_CODE[error.code], `${error.code}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
