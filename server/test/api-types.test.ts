import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateApiTypes, schemaFile } from '../../scripts/api-types.ts';

test('web/src/api/schema.d.ts matches the server OpenAPI document (run `npm run api:types`)', async () => {
  const expected = await generateApiTypes();
  const actual = readFileSync(schemaFile, 'utf8');
  assert.ok(actual === expected, 'web/src/api/schema.d.ts is out of date: run `npm run api:types` and commit it');
});
