import type { Rng } from './determinism.ts';
import { generateText } from './text.ts';

/**
 * Produces a value that satisfies a JSON Schema, for `response_format: json_schema` and for tool-call
 * arguments. Covers what structured-output schemas use in practice (objects, arrays, enums, const,
 * anyOf/oneOf, $ref into $defs, string formats, numeric bounds); unknown keywords are ignored.
 */
type Schema = Record<string, unknown>;

interface SampleContext {
  rng: Rng;
  root: Schema;
  depth: number;
  key: string;
}

const MAX_DEPTH = 8;

export function sampleFromSchema(schema: unknown, rng: Rng): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(root, { rng, root, depth: 0, key: 'value' });
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = isSchema(node) ? node[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))] : undefined;
  }
  return isSchema(node) ? node : {};
}

function sample(schema: Schema, ctx: SampleContext): unknown {
  if (ctx.depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, ctx.root), deeper(ctx, ctx.key));
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return ctx.rng.pick(schema.enum);
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) {
      // Prefer a non-null branch: nullable fields with content make better demo data.
      const nonNull = options.filter((o) => isSchema(o) && o.type !== 'null');
      const chosen = nonNull.length > 0 ? ctx.rng.pick(nonNull) : options[0];
      return sample(isSchema(chosen) ? chosen : {}, deeper(ctx, ctx.key));
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = {};
    for (const part of schema.allOf) if (isSchema(part)) Object.assign(merged, part);
    return sample(merged, deeper(ctx, ctx.key));
  }
  const type = pickType(schema);
  switch (type) {
    case 'object':
      return sampleObject(schema, ctx);
    case 'array':
      return sampleArray(schema, ctx);
    case 'integer':
    case 'number':
      return sampleNumber(schema, ctx.rng, type === 'integer');
    case 'boolean':
      return ctx.rng.chance(0.5);
    case 'null':
      return null;
    default:
      return sampleString(schema, ctx);
  }
}

function deeper(ctx: SampleContext, key: string): SampleContext {
  return { ...ctx, depth: ctx.depth + 1, key };
}

function pickType(schema: Schema): string {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.find((t) => t !== 'null');
    return typeof nonNull === 'string' ? nonNull : 'null';
  }
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function sampleObject(schema: Schema, ctx: SampleContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  // Every listed property is filled: strict structured outputs require them all, and optional ones
  // make the demo data richer.
  for (const [key, child] of Object.entries(properties)) {
    out[key] = sample(isSchema(child) ? child : {}, deeper(ctx, key));
  }
  return out;
}

function sampleArray(schema: Schema, ctx: SampleContext): unknown[] {
  const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : min + 3;
  const count = ctx.rng.int(min, Math.max(min, Math.min(max, min + 3)));
  const items = isSchema(schema.items) ? schema.items : {};
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  const out: unknown[] = [];
  for (let i = 0; i < Math.max(count, prefix.length); i++) {
    const itemSchema = prefix[i];
    out.push(sample(isSchema(itemSchema) ? itemSchema : items, deeper(ctx, ctx.key)));
  }
  return out;
}

function sampleNumber(schema: Schema, rng: Rng, integer: boolean): number {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  let low = num(schema.minimum) ?? (exMin !== undefined ? exMin + (integer ? 1 : 0.01) : 0);
  let high = num(schema.maximum) ?? (exMax !== undefined ? exMax - (integer ? 1 : 0.01) : Math.max(low, 0) + 100);
  if (high < low) [low, high] = [high, low];
  if (integer) return rng.int(Math.ceil(low), Math.floor(high));
  return Math.round((low + rng.next() * (high - low)) * 100) / 100;
}

const FIRST_NAMES = ['Alex', 'Sam', 'Priya', 'Jordan', 'Mei', 'Lucas', 'Amara', 'Noah'] as const;
const LAST_NAMES = ['Morgan', 'Chen', 'Okafor', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Ito'] as const;

function sampleString(schema: Schema, ctx: SampleContext): string {
  const { rng, key } = ctx;
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  let value: string;
  switch (schema.format) {
    case 'email':
      value = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}@example.com`.toLowerCase();
      break;
    case 'date':
      value = `20${rng.int(18, 25)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
      break;
    case 'date-time':
      value = `20${rng.int(18, 25)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}T${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:00Z`;
      break;
    case 'uri':
    case 'url':
      value = `https://example.com/${key.toLowerCase()}/${rng.hex(6)}`;
      break;
    case 'uuid':
      value = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;
      break;
    default:
      value = /name$/i.test(key)
        ? `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`
        : generateText(rng, rng.int(3, 14), [key.toLowerCase()]);
  }
  while (value.length < minLength) value += ` ${generateText(rng, 4, [])}`;
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
