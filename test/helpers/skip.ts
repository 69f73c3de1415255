// A test that cannot run on this machine (a tool, package or kernel feature missing) is skipped
// through uvu, so that the run's closing line counts it, and its reason is printed.
import type { Callback, Test } from 'uvu';

/** Registers `fn` as a test of `suite`, or as a skipped one when `missing` names what is lacking. */
export function testUnless<T>(suite: Test<T>, missing: string | undefined, name: string, fn: Callback<T>): void {
  if (missing === undefined) return suite(name, fn);
  console.log(`  skipped: ${name}: ${missing}`);
  suite.skip(name, fn);
}
