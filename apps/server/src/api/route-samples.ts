import { TOP_LISTS } from '@sightline/contracts';
import type { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** A registered route as Hono lists it, de-duplicated (one entry per handler in Hono's list). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

export function registeredRoutes(app: Hono<AppEnv>, prefix = ''): RegisteredRoute[] {
  const seen = new Map<string, RegisteredRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue; // middleware
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: `${prefix}${r.path}` });
  }
  return [...seen.values()];
}

/**
 * Concrete requests for a route pattern: path parameters filled from `values` (every value of a
 * list parameter), plus the query a route needs to answer at all. Throws for a parameter it has no
 * value for, so a new route cannot slip past the tests that walk every route.
 */
export function sampleRequests(
  route: RegisteredRoute,
  values: Record<string, string[]>,
  queries: Record<string, string> = {},
): string[] {
  let paths = [route.path];
  for (const match of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    const name = match[1]!;
    const options = values[name];
    if (options === undefined) throw new Error(`no sample value for :${name} in ${route.method} ${route.path}: add one`);
    paths = paths.flatMap((p) => options.map((v) => p.replace(`:${name}`, encodeURIComponent(v))));
  }
  const query = queries[route.path];
  return paths.map((p) => (query === undefined ? p : `${p}?${query}`));
}

export const TOP_LIST_VALUES = [...TOP_LISTS];
