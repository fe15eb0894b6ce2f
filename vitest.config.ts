import { defineConfig } from 'vitest/config';

const all = ['src/**/*.test.ts', 'commands/**/*.test.ts', 'test/**/*.test.ts'];
const never = ['node_modules/**', 'scratch/**', 'test/bench/**'];

/**
 * `npm test` runs two projects:
 * - `file`: every test, each test database a libSQL file (the embedded default);
 * - `sqld`: every test that touches the store again, each test database on a real libSQL server of its
 *   own (test/support/db.ts starts one sqld per database), plus test/sqld/*, which start their own
 *   servers and several service processes on them.
 * Not run on sqld, because they never open a store: the identifier normaliser, the Discord embed and
 * command-registration builders, the fake chat APIs' own test; and the bundle and build tests, whose subject is
 * esbuild's output starting up (the store code in it is the code both projects run).
 */
const noStore = ['src/identity/normalize/*.test.ts', 'src/discord/embeds.test.ts', 'src/discord/register.test.ts', 'test/fakes/fakes.test.ts', 'test/bundle.test.ts', 'test/build.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // vitest's default on 2 cores is one worker; the sqld tests mostly wait on the server and on child
    // processes, so three files at a time finish the doubled suite sooner.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'file', include: all, exclude: [...never, 'test/sqld/**'] } },
      { extends: true, test: { name: 'sqld', include: all, exclude: [...never, ...noStore], env: { USER360_TEST_DB: 'sqld' },
          // Over HTTP every statement of a write transaction is a round trip: the tests that make a hundred
          // merges take a few seconds on an idle machine and several times that on a loaded one.
          testTimeout: 60_000 } },
    ],
  },
});
