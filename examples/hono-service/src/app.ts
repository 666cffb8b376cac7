import type OpenAI from 'openai';
import { Hono } from 'hono';
import { traceWorkflow, withContext, withPrompt } from '@sightline/sdk';

/**
 * A Hono service that answers chat requests. One middleware puts the caller's user and session on
 * every LLM span of the request; handlers stay free of tracing code except for naming the prompt.
 */

export interface ServiceDeps {
  openai: OpenAI;
  model?: string;
}

type Env = { Variables: { userId: string } };

export function createService(deps: ServiceDeps): Hono<Env> {
  const model = deps.model ?? 'gpt-4o-mini';
  const app = new Hono<Env>();

  // In a real service the user comes from the verified session or token; a header keeps this short.
  app.use('/api/*', async (c, next) => {
    const userId = c.req.header('x-user-id');
    if (!userId) return c.json({ error: 'x-user-id header required' }, 401);
    c.set('userId', userId);
    const sessionId = c.req.header('x-session-id') ?? `${userId}-${new Date().toISOString().slice(0, 10)}`;
    await withContext({ userId, sessionId, metadata: { route: c.req.path } }, () => next());
  });

  app.post('/api/chat', async (c) => {
    const body = await c.req.json<{ message?: unknown }>().catch(() => ({}) as { message?: unknown });
    if (typeof body.message !== 'string' || body.message.trim() === '') return c.json({ error: "body must be { message: string }" }, 400);
    const message = body.message;
    try {
      const reply = await traceWorkflow('POST /api/chat', () =>
        withPrompt({ name: 'chat-reply', version: 3 }, () =>
          deps.openai.chat.completions.create({ model, messages: [{ role: 'system', content: 'You are a helpful product assistant.' }, { role: 'user', content: message }] }),
        ),
      );
      return c.json({ reply: reply.choices[0]?.message.content ?? '' });
    } catch (error) {
      // The provider's failure is on the span already; the caller gets a 502 without internals.
      const status = (error as { status?: number }).status;
      return c.json({ error: 'the model is unavailable, try again', upstreamStatus: status ?? null }, 502);
    }
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  return app;
}
