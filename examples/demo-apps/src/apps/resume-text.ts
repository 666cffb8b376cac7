import type { Rng } from '../world.ts';

const FIRST = ['Maya', 'Daniel', 'Sofia', 'Kenji', 'Olivia', 'Rafael', 'Hana', 'Victor', 'Elena', 'Samuel', 'Aisha', 'Lukas'] as const;
const LAST = ['Fernandes', 'Kowalski', 'Nakamura', 'Adeyemi', 'Johansson', 'Moreau', 'Rossi', 'Schmidt', 'Okoro', 'Haddad'] as const;
const ROLES = ['Backend Engineer', 'Data Scientist', 'Product Designer', 'Site Reliability Engineer', 'Frontend Engineer', 'ML Engineer'] as const;
const COMPANIES = ['Globex', 'Initech', 'Umbrella Analytics', 'Stark Logistics', 'Wayne Fintech', 'Hooli', 'Vandelay Imports'] as const;
const SKILLS = ['TypeScript', 'Go', 'Python', 'Kubernetes', 'PostgreSQL', 'ClickHouse', 'React', 'Terraform', 'PyTorch', 'Kafka', 'AWS', 'GraphQL', 'Rust', 'dbt'] as const;
const ACHIEVEMENTS = [
  'cut p95 API latency from 480 ms to 120 ms by reworking the caching layer',
  'led the migration of 40 services to Kubernetes with zero customer-facing downtime',
  'built the experimentation platform used by 12 product teams',
  'reduced cloud spend by 28% through rightsizing and spot capacity',
  'mentored five engineers, two of whom were promoted within a year',
  'designed the event pipeline ingesting 2 billion events a day',
  'shipped the onboarding redesign that lifted activation by 9 points',
  'introduced contract testing, halving integration incidents',
] as const;

export interface Candidate {
  name: string;
  role: string;
  text: string;
}

/** A plausible resume of 2–6 KB: long enough that prompt caching and token costs matter. */
export function makeResume(rng: Rng): Candidate {
  const name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
  const role = rng.pick(ROLES);
  const years = rng.int(1, 18);
  const skills = new Set<string>();
  while (skills.size < rng.int(4, 9)) skills.add(rng.pick(SKILLS));
  const jobs: string[] = [];
  let year = 2025;
  for (let i = 0; i < rng.int(2, 5); i++) {
    const span = rng.int(1, 4);
    const bullets = Array.from({ length: rng.int(2, 4) }, () => `  - ${rng.pick(ACHIEVEMENTS)}`).join('\n');
    jobs.push(`${rng.pick(ROLES)}, ${rng.pick(COMPANIES)} (${year - span}–${year})\n${bullets}`);
    year -= span;
  }
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`;
  const text = [
    `${name}\n${email} · +351 912 000 ${rng.int(100, 999)} · Lisbon, Portugal`,
    `SUMMARY\n${role} with ${years} years of experience building reliable products. Comfortable owning systems end to end, from design docs to on-call.`,
    `EXPERIENCE\n${jobs.join('\n\n')}`,
    `SKILLS\n${[...skills].join(', ')}`,
    `EDUCATION\nBSc Computer Science, University of Porto (${year - 4}–${year})`,
  ].join('\n\n');
  return { name, role, text };
}
