/**
 * The people and the calendar of the demo: who uses which app, and when. Seeded, so two runs of the
 * demo with the same seed tell the same story.
 */

// The simulator's seeded generator (mulberry32): one implementation, so the demo's story and the
// simulator's answers are reproducible from seeds alike.
import { createRng, type Rng } from '@sightline/llm-simulator';

export { createRng };
export type { Rng };

export interface DemoUser {
  id: string;
  name: string;
  team: string;
  /** Relative activity: a few heavy users burn most of the budget, as in real life. */
  weight: number;
}

export const RECRUITERS: readonly DemoUser[] = [
  { id: 'u_ana.ribeiro', name: 'Ana Ribeiro', team: 'talent-eu', weight: 5 },
  { id: 'u_marcus.lee', name: 'Marcus Lee', team: 'talent-us', weight: 3 },
  { id: 'u_fatima.zahra', name: 'Fatima Zahra', team: 'talent-eu', weight: 2 },
  { id: 'u_tom.becker', name: 'Tom Becker', team: 'talent-us', weight: 1 },
];

export const CUSTOMERS: readonly DemoUser[] = [
  { id: 'c_1042', name: 'Acme GmbH', team: 'enterprise', weight: 4 },
  { id: 'c_2210', name: 'Lumen Labs', team: 'growth', weight: 2 },
  { id: 'c_3077', name: 'Orbit Foods', team: 'growth', weight: 2 },
  { id: 'c_4105', name: 'Northwind', team: 'enterprise', weight: 3 },
  { id: 'c_5550', name: 'Pine & Co', team: 'starter', weight: 1 },
  { id: 'c_6021', name: 'Kite Studio', team: 'starter', weight: 1 },
];

export const TRAVELLERS: readonly DemoUser[] = [
  { id: 'u_priya.nair', name: 'Priya Nair', team: 'sales', weight: 3 },
  { id: 'u_jonas.berg', name: 'Jonas Berg', team: 'engineering', weight: 2 },
  { id: 'u_li.wei', name: 'Li Wei', team: 'sales', weight: 2 },
];

export function pickWeighted(rng: Rng, users: readonly DemoUser[]): DemoUser {
  const total = users.reduce((s, u) => s + u.weight, 0);
  let r = rng.next() * total;
  for (const u of users) {
    r -= u.weight;
    if (r < 0) return u;
  }
  return users[users.length - 1] as DemoUser;
}

export function sessionId(rng: Rng, prefix: string): string {
  return `${prefix}_${Math.floor(rng.next() * 0xffffffff).toString(36)}`;
}

/** Traffic by hour of the UTC day: quiet nights, a morning and an afternoon peak. */
function hourWeight(hour: number): number {
  const morning = Math.exp(-((hour - 10) ** 2) / 8);
  const afternoon = Math.exp(-((hour - 15) ** 2) / 10);
  return 0.08 + morning + 0.9 * afternoon;
}

/**
 * Start times for `perDay` traces a day (on average) over the `days` before `nowMs`, following the
 * daily rhythm and quieter weekends; sorted oldest first.
 */
export function historySchedule(rng: Rng, nowMs: number, days: number, perDay: number): number[] {
  const hourMs = 3_600_000;
  const firstHour = Math.floor((nowMs - days * 24 * hourMs) / hourMs) * hourMs;
  const hours: { start: number; weight: number }[] = [];
  for (let t = firstHour; t < nowMs - 5 * 60_000; t += hourMs) {
    const d = new Date(t);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    hours.push({ start: t, weight: hourWeight(d.getUTCHours()) * (weekend ? 0.45 : 1) });
  }
  const meanWeight = hours.reduce((s, h) => s + h.weight, 0) / Math.max(1, hours.length);
  const out: number[] = [];
  for (const h of hours) {
    const expected = (perDay / 24) * (h.weight / meanWeight);
    // Poisson-ish: the whole part plus one more with the fractional probability.
    const count = Math.floor(expected) + (rng.chance(expected % 1) ? 1 : 0);
    for (let i = 0; i < count; i++) out.push(Math.min(nowMs - 60_000, h.start + Math.floor(rng.next() * hourMs)));
  }
  return out.sort((a, b) => a - b);
}
