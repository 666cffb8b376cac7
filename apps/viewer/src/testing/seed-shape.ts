/** What the seed sends, shared by the seeding process and the tests (no SDK import here). */

export const LONG_MARKER = 'LONG-CONTEXT-LINE';

export interface Seeded {
  /** Traces sent: the viewer must list exactly these. */
  traceCount: number;
  models: string[];
  errorTraces: number;
}
