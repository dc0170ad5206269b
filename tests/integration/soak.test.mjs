// soak.test.mjs - a short soak (tests/soak/soak.mjs; `make soak` runs 100,000
// calls): 3,000 mixed calls from 4 concurrent clients against a sandbox with 5 %
// faults. No crash, memory flat after warm-up, every write accounted for once.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../soak/soak.mjs';
import { SANITIZED } from './lib/drill.mjs';

// Under valgrind (scripts/test valgrind) a tenth as many.
const CALLS = process.env.ZWM_VALGRIND_DIR ? 300 : 3000;

it(`${CALLS} calls with 5 % faults: no crash, no growth, every write once`, async () => {
  const s = await runSoak({ calls: CALLS, clients: 4, inflight: 4 });
  // ASan's quarantine grows resident memory by design: only the accounting applies there.
  const failures = SANITIZED ? s.failures.filter((f) => !/RSS grew/.test(f)) : s.failures;
  assert.deepEqual(failures, [], JSON.stringify(s));
  assert.equal(s.calls, CALLS);
  assert.ok(s.created > CALLS / 30, `${s.created} webinars created`);
  assert.equal(s.soak_webinars_present, s.created - s.deleted + s.unknown_landed);
});
