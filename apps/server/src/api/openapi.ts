import { ApiError } from '@sightline/contracts';
import { z } from 'zod';

/** One documented route. `path` uses Hono's syntax (`/api/traces/:traceId`). */
export interface OpenApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success body; omit for 204 responses. */
  response?: z.ZodType;
  /** Success status, 200 by default. */
  status?: number;
}

const routes = new Map<string, OpenApiRoute>();

/**
 * Adds a route to `GET /api/openapi.json`. Every part of the server calls this once per route it
 * mounts under /api, with the same zod schemas it validates with, so the document cannot drift.
 * Registering the same method and path again replaces the entry.
 */
export function registerOpenApi(route: OpenApiRoute): void {
  routes.set(`${route.method} ${route.path}`, route);
}

/** The registered routes, for tests that check every mounted route is documented. */
export function registeredOpenApiRoutes(): OpenApiRoute[] {
  return [...routes.values()];
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // `unrepresentable: 'any'` keeps one odd field (a transform, a Date) from sinking the whole document.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(route: OpenApiRoute): JsonSchema[] {
  const params: JsonSchema[] = [];
  for (const match of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    params.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query !== undefined) {
    const object = jsonSchema(route.query, 'input');
    const required = new Set((object.required as string[] | undefined) ?? []);
    const properties = (object.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const [name, schema] of Object.entries(properties)) {
      const { description, ...rest } = schema;
      params.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
        // Repeatable parameters (attr) arrive as `?attr=a&attr=b`.
        ...('anyOf' in rest || rest.type === 'array' ? { style: 'form', explode: true } : {}),
      });
    }
  }
  return params;
}

/** The OpenAPI 3.1 document of every registered route (zod 4 emits JSON Schema 2020-12, which 3.1 uses). */
export function buildOpenApiDocument(info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const errorResponse = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
  const sorted = [...routes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of sorted) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(route.status ?? (route.response === undefined ? 204 : 200));
    const operation: JsonSchema = {
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.tags === undefined ? {} : { tags: route.tags }),
      parameters: parameters(route),
      responses: {
        [status]: {
          description: 'OK',
          ...(route.response === undefined ? {} : { content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }),
        },
        '400': { description: 'Invalid request', ...errorResponse },
        '401': { description: 'Missing, invalid or revoked API key', ...errorResponse },
        '404': { description: 'Not found in this project', ...errorResponse },
      },
    };
    if (route.body !== undefined) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: info.version,
      description: 'Query API of Sightline. Every request carries `Authorization: Bearer <key>` and sees only its project.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ApiError: jsonSchema(ApiError, 'output') },
    },
    paths,
  };
}
