import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` writes a reviewed SQL migration from the modules' *.tables.ts files.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./server/src/platform/**/*.tables.ts', './server/src/modules/**/*.tables.ts'],
  out: './server/migrations',
});
