/**
 * Waits until the Sightline server has stored every span it has received. Spans are acknowledged
 * once they are durable in the server's spool and become queryable a moment later, when its writer
 * has inserted them; a step that reads what was just sent (the spend alert's set-up, the viewer
 * opening on the history) waits for that first. Reads the server's Prometheus `/metrics`: caught up
 * when stored + deduplicated + dead-lettered + rejected spans account for every span received.
 * Best effort: without a readable `/metrics` (a proxy in front), it returns at once.
 */
export async function waitForIngestCaughtUp(baseUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text: string;
    try {
      const res = await fetch(`${baseUrl}/metrics`);
      if (!res.ok) return false;
      text = await res.text();
    } catch {
      return false;
    }
    const settled = ['stored', 'deduplicated', 'dead_lettered', 'rejected'].reduce((sum, name) => sum + counter(text, `sightline_spans_${name}_total`), 0);
    if (settled >= counter(text, 'sightline_spans_received_total')) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The sum of a counter's samples (all label sets) in Prometheus text; 0 when absent. */
function counter(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
