import { recordValidation, traceWorkflow, withContext, withPrompt } from '@sightline/sdk';
import { z } from 'zod';
import { pickWeighted, RECRUITERS, sessionId } from '../world.ts';
import { DAY_MS, type AppRun, type DemoApp } from './app.ts';
import { makeResume } from './resume-text.ts';

/**
 * The resume analyser, taken from notebook to production: a zod schema for the structured output,
 * validation with retries, prompt v1 replaced by v2 four days ago, and a switch from gpt-4o to the
 * cheaper gpt-4.1-mini three days ago. Sightline shows what each change did to cost and failures.
 */
export const ResumeSchema = z.object({
  name: z.string().min(1),
  email: z.email(),
  currentTitle: z.string().min(1),
  yearsExperience: z.number().int().min(0).max(50),
  seniority: z.enum(['junior', 'mid', 'senior', 'staff']),
  skills: z.array(z.string().min(1)).min(1).max(20),
  summary: z.string().min(1),
});
export type Resume = z.infer<typeof ResumeSchema>;

const RESUME_JSON_SCHEMA = z.toJSONSchema(ResumeSchema, { target: 'draft-7' }) as Record<string, unknown>;

const PROMPTS = {
  v1: 'Extract the candidate details from the resume as JSON.',
  v2: [
    'You are a meticulous recruiting assistant. Extract the candidate details from the resume below.',
    'Rules: use the name exactly as written; email in lower case; currentTitle is the most recent role;',
    'yearsExperience counts professional years only, rounded down; seniority is junior (<3 years), mid (3-6),',
    'senior (7-11) or staff (12+); skills lists technologies only, most relevant first, at most 20;',
    'summary is two sentences a hiring manager can read in ten seconds. Answer with JSON only.',
  ].join(' '),
} as const;

/** v1 produced broken JSON far more often: that is why it was replaced. */
const INVALID_JSON_RATE = { v1: 0.22, v2: 0.04 } as const;
const MAX_ATTEMPTS = 3;

export class ResumeParseError extends Error {}

async function extract(run: AppRun, resumeText: string, role: string): Promise<Resume> {
  const { clients, rng } = run;
  const version = run.atMs < run.nowMs - 4 * DAY_MS ? 'v1' : 'v2';
  // The model switch three days ago shipped as a new version of the extraction config.
  const switched = run.atMs >= run.nowMs - 3 * DAY_MS;
  const model = clients.model(switched ? 'gpt-4.1-mini' : 'gpt-4o');
  const configVersion = switched ? 'extract-cfg-5' : 'extract-cfg-4';
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const completion = await withContext({ configVersion }, () => withPrompt({ name: 'resume-extract', version, variables: { role } }, () =>
      clients.openai.chat.completions.create(
        {
          model,
          temperature: 0,
          messages: [
            { role: 'system', content: PROMPTS[version] },
            { role: 'user', content: resumeText },
          ],
          response_format: { type: 'json_schema', json_schema: { name: 'resume', schema: RESUME_JSON_SCHEMA, strict: true } },
        },
        clients.scenario(rng.chance(INVALID_JSON_RATE[version]) ? 'invalid_json' : undefined),
      ),
    ));
    const content = completion.choices[0]?.message.content ?? '';
    let parsed: ReturnType<typeof ResumeSchema.safeParse>;
    try {
      parsed = ResumeSchema.safeParse(JSON.parse(content));
    } catch (error) {
      recordValidation({ success: false, error }, completion);
      lastError = error;
      continue;
    }
    recordValidation(parsed, completion);
    if (parsed.success) return parsed.data;
    lastError = parsed.error;
  }
  throw new ResumeParseError(`no valid resume JSON after ${MAX_ATTEMPTS} attempts`, { cause: lastError });
}

async function fitSummary(run: AppRun, resume: Resume, role: string): Promise<string> {
  const stream = await withPrompt({ name: 'resume-fit', version: 1, variables: { role } }, () =>
    run.clients.openai.chat.completions.create({
      model: run.clients.model('gpt-4o-mini'),
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Write a short, fair assessment of how the candidate fits the role.' },
        { role: 'user', content: `Role: ${role}\nCandidate: ${JSON.stringify(resume)}` },
      ],
    }),
  );
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

export const resumeAnalyser: DemoApp = {
  service: 'resume-analyser',
  weight: 0.45,
  async run(run) {
    const user = pickWeighted(run.rng, RECRUITERS);
    const candidate = makeResume(run.rng);
    await withContext({ userId: user.id, sessionId: sessionId(run.rng, 'batch'), metadata: { team: user.team } }, () =>
      traceWorkflow('analyse-resume', async (span) => {
        run.register(span);
        const resume = await extract(run, candidate.text, candidate.role);
        // Most recruiters also ask for the fit summary; it streams into the UI.
        if (run.rng.chance(0.7)) await fitSummary(run, resume, candidate.role);
        return resume;
      }),
    );
  },
};
