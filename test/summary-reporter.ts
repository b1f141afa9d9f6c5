/**
 * Prints one plain closing line, "N passed, N failed, N skipped", after
 * vitest's own summary, so scripts and CI can read the counts. When the
 * browser tests were skipped because no browser was found, one line just
 * before it says how many, why, and the command that fixes it.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { BROWSER_TEST_FILES, findBrowser, skippedBrowserLine, type BrowserSearch } from '../e2e/find-browser';

export default class SummaryReporter implements Reporter {
  constructor(private readonly options: { findBrowser?: () => BrowserSearch } = {}) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let browserSkipped = 0;
    for (const module of testModules) {
      const id = module.moduleId.replace(/\\/g, '/');
      const needsBrowser = BROWSER_TEST_FILES.some((file) => id.endsWith(`/${file}`));
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          if (needsBrowser) browserSkipped++;
        }
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    let lines = '';
    if (browserSkipped > 0) {
      const search = (this.options.findBrowser ?? findBrowser)();
      if (search.reason !== null) lines += `${skippedBrowserLine(browserSkipped, search.reason)}\n`;
    }
    process.stdout.write(`\n${lines}${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
