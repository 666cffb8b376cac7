import type { EncodedSpan } from '@sightline/storage';
import type { DeadLetterStore } from './dead-letter.ts';
import type { SpanSink } from './sink.ts';
import { errorMessage } from '../ops/log.ts';

export interface InsertOutcome {
  stored: number;
  duplicates: number;
  deadLettered: number;
}

/**
 * Inserts a batch; when ClickHouse refuses it, halves the batch until the refused rows are found,
 * dead-letters each with ClickHouse's reason and stores the rest. Sub-batch tokens derive from the
 * parent token, so a redo after a crash repeats exactly the same inserts. Errors that are not a
 * refusal (ClickHouse down or slow) propagate for the caller to retry or spool.
 */
export async function insertOrDeadLetter(
  sink: SpanSink,
  deadLetters: DeadLetterStore,
  rows: EncodedSpan[],
  token: string,
): Promise<InsertOutcome> {
  try {
    const { duplicates } = await sink.insert(rows, token);
    return { stored: rows.length - duplicates, duplicates, deadLettered: 0 };
  } catch (err) {
    if (!sink.isRejection(err)) throw err;
    if (rows.length === 1) {
      deadLetters.add(rows[0]!, errorMessage(err));
      return { stored: 0, duplicates: 0, deadLettered: 1 };
    }
    const mid = rows.length >>> 1;
    const a = await insertOrDeadLetter(sink, deadLetters, rows.slice(0, mid), `${token}.a`);
    const b = await insertOrDeadLetter(sink, deadLetters, rows.slice(mid), `${token}.b`);
    return { stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates, deadLettered: a.deadLettered + b.deadLettered };
  }
}
