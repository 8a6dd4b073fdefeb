export type BenchContext = {
  /** BENCH_SCALE: multiplies sizes (rows, customers) and, for load tests, durations. */
  scale: number;
  /** BENCH_DATABASE_URL: a PostgreSQL server to measure next to PGlite (a fresh database is made). */
  pgUrl?: string;
  log(message: string): void;
};

export type Scenario = {
  name: string;
  title: string;
  /** Runs only when named (`npm run bench -- NAME`), not in a plain `npm run bench`: it takes long. */
  onlyWhenNamed?: boolean;
  /** Measures and returns the markdown body of its section in docs/performance.md. */
  run(ctx: BenchContext): Promise<string>;
};
