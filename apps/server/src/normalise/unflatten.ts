import type { Attributes } from '../ingest/decoded-span.ts';
import { toJson } from './attributes.ts';

type Tree = { [key: string]: Tree | unknown };

/**
 * Rebuilds `prefix.N.a.b` attributes (OpenLLMetry `gen_ai.prompt.0.role`, OpenInference
 * `llm.input_messages.0.message.content`) into an array of objects, in index order. Keys used are
 * added to `consumed`.
 */
export function unflattenIndexed(attrs: Attributes, prefix: string, consumed: Set<string>): unknown[] {
  // Called for several prefixes per span, most of which match nothing: for-in allocates no key array.
  let root: Tree | null = null;
  for (const key in attrs) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split('.');
    if (path.length < 2 || !/^\d{1,6}$/.test(path[0] ?? '')) continue;
    const v = attrs[key];
    if (v === undefined) continue;
    consumed.add(key);
    root ??= {};
    let node: Tree = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string;
      const next = node[seg];
      if (next === null || typeof next !== 'object') node[seg] = {};
      node = node[seg] as Tree;
    }
    const leaf = path[path.length - 1] as string;
    // Tool-call arguments and similar arrive as JSON text: keep them as text, they are content.
    node[leaf] = typeof v === 'string' ? v : toJson(v);
  }
  return root === null ? [] : toArray(root);
}

function toArray(node: Tree): unknown[] {
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => arraysIn(node[k]));
}

/** Objects whose keys are all indexes become arrays (`tool_calls.0.name` → `tool_calls: [{ name }]`). */
function arraysIn(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return toArray(v as Tree);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = arraysIn((v as Tree)[k]);
  return out;
}
