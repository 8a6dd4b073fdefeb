// `npm run bench [-- name …]`: runs the benchmark scenarios and writes each one's figures into
// its marked section of docs/performance.md. Not a test: `npm test` never runs this.
import { join } from 'node:path';
import { customersSeedScenario } from './scenarios/customers-seed.ts';
import { customersScenario } from './scenarios/customers.ts';
import { dbScenario } from './scenarios/db.ts';
import { generatorScenario } from './scenarios/generator.ts';
import { httpScenario } from './scenarios/http.ts';
import { importsScenario } from './scenarios/imports.ts';
import { longQueryScenario } from './scenarios/long-query.ts';
import { mergeScenario } from './scenarios/merge.ts';
import { scoringScenario } from './scenarios/scoring.ts';
import { segmentsScenario } from './scenarios/segments.ts';
import { trackingScenario } from './scenarios/tracking.ts';
import type { BenchContext, Scenario } from './scenarios/types.ts';
import { writeSection } from './lib/report.ts';

const scenarios: Scenario[] = [
  generatorScenario,
  dbScenario,
  longQueryScenario,
  httpScenario,
  customersSeedScenario,
  customersScenario,
  importsScenario,
  trackingScenario,
  mergeScenario,
  segmentsScenario,
  scoringScenario,
];
// BENCH_DOC: write a trial run (a small BENCH_SCALE, a busy machine) somewhere other than the published figures
const docPath = process.env.BENCH_DOC || join(import.meta.dirname, '../docs/performance.md');

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
if (unknown.length) {
  console.error(`Unknown scenario ${unknown.join(', ')}. Scenarios: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0)) {
  console.error('BENCH_SCALE must be a positive number');
  process.exit(2);
}
const ctx: BenchContext = {
  scale,
  pgUrl: process.env.BENCH_DATABASE_URL || undefined,
  log: (m) => console.log(m),
};

const started = performance.now();
// scenarios marked `onlyWhenNamed` (the issue-4 data set: tens of minutes) run only when named
const chosen = scenarios.filter((s) => (names.length ? names.includes(s.name) : !s.onlyWhenNamed));
for (const scenario of chosen) {
  console.log(`▶ ${scenario.name}: ${scenario.title}`);
  const t0 = performance.now();
  const body = await scenario.run(ctx);
  writeSection(docPath, scenario.name, body);
  console.log(
    body
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .join('\n'),
  );
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s; written to ${docPath})\n`);
}
console.log(`bench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
