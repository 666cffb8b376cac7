import type OpenAI from 'openai';

/** A tiny in-memory vector store: enough to show retrieval spans without a database to run. */
export interface Doc {
  id: string;
  text: string;
}

export interface Match {
  id: string;
  score: number;
  text: string;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export class VectorStore {
  private rows: { doc: Doc; vector: number[] }[] = [];

  constructor(
    private readonly openai: OpenAI,
    private readonly model = 'text-embedding-3-small',
  ) {}

  async add(docs: Doc[]): Promise<void> {
    const res = await this.openai.embeddings.create({ model: this.model, input: docs.map((d) => d.text) });
    docs.forEach((doc, i) => this.rows.push({ doc, vector: res.data[i]?.embedding ?? [] }));
  }

  async search(query: string, k: number): Promise<Match[]> {
    const res = await this.openai.embeddings.create({ model: this.model, input: query });
    const q = res.data[0]?.embedding ?? [];
    return this.rows
      .map(({ doc, vector }) => ({ id: doc.id, score: Math.round(cosine(q, vector) * 1000) / 1000, text: doc.text }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }
}
