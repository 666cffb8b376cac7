import { describe, expect, it } from 'vitest';
import { createRng } from './determinism.ts';
import { sampleFromSchema } from './json-schema-sample.ts';

const sample = (schema: unknown, seed = 1) => sampleFromSchema(schema, createRng(seed));

describe('sampleFromSchema', () => {
  it('fills every property of an object with values of the declared types and bounds', () => {
    for (let seed = 0; seed < 50; seed++) {
      const v = sample(
        {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 3, maxLength: 40 },
            email: { type: 'string', format: 'email' },
            age: { type: 'integer', minimum: 18, maximum: 65 },
            score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            level: { enum: ['junior', 'senior'] },
            tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 4 },
            active: { type: 'boolean' },
          },
          required: ['name', 'email', 'age', 'score', 'level', 'tags', 'active'],
        },
        seed,
      ) as Record<string, unknown>;
      expect(typeof v.name === 'string' && v.name.length >= 3 && v.name.length <= 40).toBe(true);
      expect(v.email).toMatch(/^[a-z]+\.[a-z]+@example\.com$/);
      expect(Number.isInteger(v.age) && (v.age as number) >= 18 && (v.age as number) <= 65).toBe(true);
      expect((v.score as number) > 0 && (v.score as number) < 1).toBe(true);
      expect(['junior', 'senior']).toContain(v.level);
      expect((v.tags as unknown[]).length).toBeGreaterThanOrEqual(2);
      expect((v.tags as unknown[]).length).toBeLessThanOrEqual(4);
      expect(typeof v.active).toBe('boolean');
    }
  });

  it('follows $ref into $defs, prefers non-null anyOf branches and honours const', () => {
    const v = sample({
      $defs: { job: { type: 'object', properties: { title: { type: 'string' }, kind: { const: 'job' } } } },
      type: 'object',
      properties: { current: { $ref: '#/$defs/job' }, previous: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/job' }] }, nickname: { type: ['string', 'null'] } },
    }) as { current: { title: unknown; kind: unknown }; previous: { kind: unknown } | null; nickname: unknown };
    expect(typeof v.current.title).toBe('string');
    expect(v.current.kind).toBe('job');
    expect(v.previous?.kind).toBe('job');
    expect(typeof v.nickname).toBe('string');
  });

  it('is deterministic per seed and stops at runaway recursion', () => {
    const schema = { type: 'object', properties: { child: { $ref: '#' }, n: { type: 'integer' } } };
    expect(sample(schema, 4)).toEqual(sample(schema, 4));
    expect(JSON.stringify(sample(schema, 4)).length).toBeLessThan(10_000);
  });
});
