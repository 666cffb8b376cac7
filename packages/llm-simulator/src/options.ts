/** Options of {@link startSimulator}; every field is optional. */
export interface SimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1 (loopback only). */
  host?: string;
  /** Seed of every invented value; same seed + same request = same response. Default 42. */
  seed?: number;
  /** 'none' (default) answers at once; 'realistic' waits 150–900 ms to the first token, then 40–120 tokens/s. */
  latency?: 'none' | 'realistic';
  /**
   * Multiplies every 'realistic' delay (default 1). The demo's backfill runs at 0.01 and stretches the
   * recorded span times back by 100×, so a week of history keeps realistic latencies and TTFTs.
   */
  timeScale?: number;
  /**
   * Probabilities (0..1) of unrequested faults, rolled per request from the seed, the request body and
   * how often that body was seen before, so a retried request rolls again.
   */
  faults?: { rateLimit?: number; serverError?: number; invalidJson?: number };
}

export interface ResolvedOptions {
  port: number;
  host: string;
  seed: number;
  latency: 'none' | 'realistic';
  timeScale: number;
  faults: { rateLimit: number; serverError: number; invalidJson: number };
}

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const probability = (name: string, value: number | undefined): number => {
    const v = value ?? 0;
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`simulator: faults.${name} must be in 0..1, got ${v}`);
    return v;
  };
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`simulator: port must be 0..65535, got ${port}`);
  const latency = opts.latency ?? 'none';
  if (latency !== 'none' && latency !== 'realistic') throw new RangeError(`simulator: latency must be 'none' or 'realistic'`);
  const timeScale = opts.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new RangeError(`simulator: timeScale must be > 0, got ${timeScale}`);
  const faults = {
    rateLimit: probability('rateLimit', opts.faults?.rateLimit),
    serverError: probability('serverError', opts.faults?.serverError),
    invalidJson: probability('invalidJson', opts.faults?.invalidJson),
  };
  if (faults.rateLimit + faults.serverError > 1) throw new RangeError('simulator: faults.rateLimit + faults.serverError exceed 1');
  return { port, host: opts.host ?? '127.0.0.1', seed: opts.seed ?? 42, latency, timeScale, faults };
}
