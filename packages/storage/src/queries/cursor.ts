import { QueryError } from './query-error.ts';

/**
 * Opaque keyset cursor: the last row's sort value (an integer: ns or nano-dollars) and trace id.
 * Keyset rather than offset, so pages stay stable while new traces arrive. Sort and order travel
 * in the cursor too: a cursor reused with another sort would silently skip rows.
 */
export interface TraceCursor {
  sort: string;
  order: 'asc' | 'desc';
  value: string;
  traceId: string;
}

export function encodeCursor(cursor: TraceCursor): string {
  const json = JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.traceId]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string, expected: { sort: string; order: 'asc' | 'desc' }): TraceCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (error) {
    throw new QueryError('bad_cursor', 'cursor is not one this API issued', { cause: error });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    !parsed.every((part) => typeof part === 'string') ||
    !/^-?\d{1,20}$/.test(parsed[2] as string) ||
    !/^[0-9a-f]{1,64}$/.test(parsed[3] as string)
  ) {
    throw new QueryError('bad_cursor', 'cursor is not one this API issued');
  }
  const [sort, order, value, traceId] = parsed as [string, string, string, string];
  if (sort !== expected.sort || order !== expected.order) {
    throw new QueryError('bad_cursor', `cursor belongs to sort=${sort}&order=${order}; start again without it`);
  }
  return { sort, order: expected.order, value, traceId };
}
