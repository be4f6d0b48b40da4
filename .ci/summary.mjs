// Prints "N passed, N failed" from Vitest's JSON report. A suite that failed without a failed test (an
// import error, a failing hook) counts as one failure, and so does a non-zero exit with nothing failed.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, exitStatus] = [process.argv[2], Number(process.argv[3] ?? 0)];
if (!existsSync(reportPath)) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const r = JSON.parse(readFileSync(reportPath, 'utf8'));
const brokenSuites = (r.testResults ?? []).filter(
  (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
let failed = r.numFailedTests + brokenSuites;
if (exitStatus !== 0 && failed === 0) failed = 1;
console.log(`${r.numPassedTests} passed, ${failed} failed`);
