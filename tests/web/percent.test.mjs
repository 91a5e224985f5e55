// The pages' percentages (pct, daemon/web/js/common.js) read as the
// report's (lib/base/percent.c, tests/unit/test-percent.c): one decimal,
// rounded half up on the decimal value, not on the binary one.  No
// browser: common.js is an ES module with no imports of its own, loaded
// from its text (Debian's node 18 would take the .js file, which no
// package.json of its directory marks as a module, for CommonJS).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../../daemon/web/js/common.js', import.meta.url), 'utf8');
const { pct } = await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`);

test('shares round half up on their decimal value', () => {
	const cases = [
		[0.6635, '66.4%'], [0.0005, '0.1%'], [39810 / 60000, '66.4%'], [2 / 3, '66.7%'],
		[1 / 8, '12.5%'], [0, '0.0%'], [1, '100.0%'], [0.00049, '0.0%'], [-0.125, '-12.5%'],
		[0.99996, '100.0%'], [5e-5, '0.0%'], ['0.6635', '66.4%'],
	];
	// What binary rounding makes of the first: the bug this replaces.
	assert.equal(`${(0.6635 * 100).toFixed(1)}%`, '66.3%');
	for (const [x, want] of cases)
		assert.equal(pct(x), want, `pct(${x})`);
	assert.equal(pct(0.745, 0), '75%');
	assert.equal(pct(null), '—');
	assert.equal(pct(undefined), '—');
	assert.equal(pct('abc'), '—');
});
