import { StorageError, insertEncodedSpans, type Driver, type EncodedSpan } from '@sightline/storage';
import type { SpanSink } from './sink.ts';

// ClickHouse exceptions that mean "this data is wrong", as opposed to "the server is unwell".
const DATA_ERRORS =
  /\((CANNOT_PARSE\w*|TYPE_MISMATCH|INCORRECT_DATA|INCORRECT_NUMBER_OF_COLUMNS|CANNOT_READ\w*|ATTEMPT_TO_READ_AFTER_EOF|VALUE_IS_OUT_OF_RANGE\w*|ARGUMENT_OUT_OF_BOUND|DECIMAL_OVERFLOW|TOO_LARGE_STRING_SIZE|TOO_LARGE_ARRAY_SIZE|UNKNOWN_FIELD\w*|CANNOT_CONVERT_TYPE|ILLEGAL_COLUMN|SIZES_OF_ARRAYS_DONT_MATCH|CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN)\)/;

/** The span sink over packages/storage: insertSpans de-duplicates on (ProjectId, TraceId, SpanId) and by token. */
export function storageSink(driver: Driver): SpanSink {
  return {
    insert: async (rows: EncodedSpan[], dedupToken: string) => ({ duplicates: (await insertEncodedSpans(driver, rows, { dedupToken })).duplicates }),
    isRejection: (err: unknown) =>
      err instanceof StorageError && (err.code === 'INVALID_ARGUMENT' || (err.code === 'INSERT_FAILED' && DATA_ERRORS.test(err.message))),
  };
}
