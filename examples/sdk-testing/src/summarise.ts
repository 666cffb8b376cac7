import type OpenAI from 'openai';
import { recordValidation, withPrompt } from '@sightline/sdk';
import { z } from 'zod';

/**
 * The code under test: a ticket summariser with a structured output, validated with zod and retried
 * once. Its test (summarise.test.ts) checks what reaches Sightline with `@sightline/sdk/testing`.
 */

export const TicketSummary = z.object({
  title: z.string().min(1).max(120),
  sentiment: z.enum(['positive', 'neutral', 'negative']),
  actionItems: z.array(z.string().min(1)).max(10),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

const SCHEMA = z.toJSONSchema(TicketSummary, { target: 'draft-7' }) as Record<string, unknown>;

export async function summariseTicket(openai: OpenAI, ticket: string, attempts = 2): Promise<TicketSummary> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const completion = await withPrompt({ name: 'ticket-summary', version: 'v5' }, () =>
      openai.chat.completions.create({
        model: 'gpt-4.1-mini',
        messages: [
          { role: 'system', content: 'Summarise the support ticket.' },
          { role: 'user', content: ticket },
        ],
        response_format: { type: 'json_schema', json_schema: { name: 'ticket_summary', schema: SCHEMA, strict: true } },
      }),
    );
    const content = completion.choices[0]?.message.content ?? '';
    let result: ReturnType<typeof TicketSummary.safeParse>;
    try {
      result = TicketSummary.safeParse(JSON.parse(content));
    } catch (error) {
      // Unparseable JSON is a validation failure too: record it on this attempt's span.
      recordValidation({ success: false, error }, completion);
      lastError = error;
      continue;
    }
    recordValidation(result, completion);
    if (result.success) return result.data;
    lastError = result.error;
  }
  throw new Error(`no valid summary after ${attempts} attempts`, { cause: lastError });
}
