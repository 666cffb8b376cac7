import type { Rng } from './determinism.ts';

/** The house rule for simulated usage: about four characters per token, like English BPE text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

const VOCABULARY = [
  'the', 'a', 'this', 'that', 'we', 'you', 'it', 'is', 'are', 'can', 'should', 'will', 'with', 'for', 'and',
  'to', 'of', 'in', 'on', 'by', 'from', 'about', 'more', 'most', 'each', 'every', 'some', 'clear', 'simple',
  'request', 'answer', 'result', 'summary', 'detail', 'example', 'context', 'account', 'order', 'update',
  'experience', 'project', 'team', 'customer', 'support', 'policy', 'document', 'section', 'step', 'plan',
  'review', 'check', 'confirm', 'explain', 'suggest', 'include', 'consider', 'improve', 'describe', 'notice',
  'strong', 'relevant', 'recent', 'useful', 'likely', 'important', 'quick', 'careful', 'helpful', 'specific',
] as const;

/** Words of five letters or more from the prompt, so answers echo the topic a little. */
export function topicWords(prompt: string, limit = 24): string[] {
  const seen = new Set<string>();
  for (const match of prompt.toLowerCase().matchAll(/[a-z][a-z-]{4,20}/g)) {
    seen.add(match[0]);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

/** Sentences of plausible words until about `targetTokens` tokens (chars / 4) are reached. */
export function generateText(rng: Rng, targetTokens: number, topics: readonly string[]): string {
  const targetChars = Math.max(4, targetTokens * 4);
  const sentences: string[] = [];
  let length = 0;
  // Few topic words would repeat too often: scale their share with how many there are.
  const topicShare = Math.min(0.3, topics.length * 0.04);
  while (length < targetChars) {
    const words: string[] = [];
    const count = rng.int(6, 16);
    for (let i = 0; i < count; i++) {
      const fromTopic = topics.length > 0 && rng.chance(topicShare);
      words.push(fromTopic ? rng.pick(topics) : rng.pick(VOCABULARY));
    }
    const first = words[0] ?? 'the';
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    const sentence = `${words.join(' ')}.`;
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  return sentences.join(' ').slice(0, targetChars).trimEnd();
}

/**
 * Cuts text into stream chunks of one to four words, the way real servers flush a few tokens at a time.
 * Joining the chunks gives the text back exactly.
 */
export function chunkText(rng: Rng, text: string): string[] {
  const pieces = text.match(/\S+\s*/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < pieces.length; ) {
    const take = rng.int(1, 4);
    chunks.push(pieces.slice(i, i + take).join(''));
    i += take;
  }
  const leading = text.match(/^\s+/)?.[0];
  if (leading !== undefined && chunks.length > 0) chunks[0] = leading + (chunks[0] ?? '');
  return chunks.length > 0 ? chunks : [text];
}

/** Splits a string into pieces of about `size` characters (tool-call arguments arrive this way). */
export function sliceEvenly(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}
