import { appendFileSync, closeSync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSpanLine, type EncodedSpan } from '@sightline/storage';

/**
 * Rows ClickHouse refused, kept with the reason as JSON lines (`<dir>/dead-letter.jsonl`) so an
 * operator can inspect, fix and replay them. Appended with fsync: a refused row was acknowledged
 * to its sender, so this file is its only copy.
 */
export class DeadLetterStore {
  private readonly path: string;
  count = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'dead-letter.jsonl');
  }

  add(span: EncodedSpan, reason: string): void {
    // The row as its columns (`Events.Name`, ...): what an operator fixes and inserts again.
    const line = `${JSON.stringify({ time: new Date().toISOString(), reason, row: decodeSpanLine(span.line) })}\n`;
    const fd = openSync(this.path, 'a');
    try {
      appendFileSync(fd, line);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.count += 1;
  }

  get file(): string {
    return this.path;
  }
}
