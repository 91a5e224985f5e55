// 上级督办下级 in the pages: 吉林市教育局's general office opens a round
// that asks its county bureaus too, sees each county's state, 催办s the
// one that has not reported; 船营区教育局's general office 报送s its part
// from its own 调度 page; the city 采纳s it.  axe at 1366×768 and
// 390×844; screenshots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
	startSite, startBrowser, signIn, DESKTOP, assertAccessibleBoth,
} from './harness.mjs';

const CITY = '吉林市教育局';
const CY = '船营区教育局';
const CX = '昌邑区教育局';
let site, browser, cityToken, cyToken;
const pageErrors = [];

before(async () => {
	site = await startSite({ now: '2012-09-03T09:00+08:00' });
	browser = await startBrowser();
	// Two county bureaus under the city: its tasks for 各县（市）区 get a
	// copy in each (duban org add, as the demo's scripts/run does).
	for (const county of [CY, CX])
		site.cli(['org', 'add', county, '--parent', CITY]);
	cityToken = site.cli(['token', 'create', '--quiet', '--role', 'general', '--org', CITY]).trim();
	cyToken = site.cli(['token', 'create', '--quiet', '--role', 'general', '--org', CY]).trim();
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

async function newPage(token) {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	await signIn(page, site, token);
	return page;
}

const assertAccessible = (page, what) => assertAccessibleBoth(page, what, `counties-${what}`);

test('the city asks its counties in a round, 催办s one, and 采纳s the other\'s report', async () => {
	const city = await newPage(cityToken);
	await city.goto(`${site.url}/dispatch.html`);
	await city.getByRole('heading', { name: '发起调度' }).waitFor();
	// The city's own plan, picked already: its counties' copies are asked
	// for with the counties box, not offered as plans of their own.
	assert.equal(await city.getByRole('checkbox', { name: '吉林市教育局2012年落实民生实事工作方案', exact: true })
	    .isChecked(), true);
	assert.equal(await city.getByRole('checkbox', { name: /承担部分/ }).count(), 0);
	await city.getByRole('checkbox', { name: '请各县（市）区教育局报送其承担的任务（上级督办下级）' }).check();
	await city.getByLabel('报送截止日期').fill('2012-09-10');
	await Promise.all([
		city.waitForURL(/dispatch\.html\?id=\d+/),
		city.getByRole('button', { name: '发起调度' }).click(),
	]);
	const counties = city.locator('table', { has: city.locator('caption', { hasText: '各县（市）区报送情况' }) });
	await counties.waitFor();
	const row = (name) => counties.locator('tbody tr', { hasText: name });
	assert.equal(await counties.locator('tbody tr').count(), 2);
	assert.match(await city.getByRole('status').first().innerText(), /已通知各县（市）区教育局/);
	assert.match(await city.locator('ul.counts').innerText(), /2\s*个县（市）区/);
	for (const name of [CY, CX]) {
		assert.match(await row(name).innerText(), /未催办/);
		assert.ok(Number(await row(name).locator('td').nth(1).innerText()) > 0,
		    `${name} has no copies of the city's tasks`);
	}
	await assertAccessible(city, 'round');

	// 昌邑 is chased at once; a second chase the same day is refused, saying why.
	await row(CX).getByRole('button', { name: `催办${CX}` }).click();
	await row(CX).getByText(/已催办 1 次/).waitFor();
	assert.equal(site.query(`SELECT count(*) FROM reminder WHERE kind = 'county_chase'`), '1');
	await row(CX).getByRole('button', { name: `催办${CX}` }).click();
	const refused = row(CX).getByRole('status');
	await refused.filter({ hasText: /./ }).waitFor();
	assert.match(await refused.innerText(), /催办/);
	assert.equal(site.query(`SELECT count(*) FROM reminder WHERE kind = 'county_chase'`), '1');

	// 船营's general office 报送s from its own 调度 page.
	const cy = await newPage(cyToken);
	await cy.goto(`${site.url}/dispatch.html`);
	const asked = cy.locator('table', { has: cy.locator('caption', { hasText: '上级教育局的调度' }) });
	await asked.waitFor();
	assert.match(await asked.innerText(), /2012-09-10/);
	await assertAccessible(cy, 'county-asked');
	await cy.getByRole('button', { name: new RegExp(`^报送${CY}在`) }).click();
	// Nothing written since the round opened: it asks to confirm first.
	await cy.getByRole('button', { name: '确认报送' }).click();
	await cy.waitForLoadState('load');
	await asked.getByText(/已报送/).first().waitFor();

	// The city sees it and 采纳s it.
	await city.reload();
	await row(CY).getByText(/已报送/).first().waitFor();
	await row(CY).getByRole('button', { name: `采纳${CY}的报告` }).click();
	await row(CY).getByText(/已采纳/).first().waitFor();
	assert.equal(site.query(`SELECT string_agg(s.action, ',' ORDER BY s.id) FROM county_report_step s
	    JOIN organisation g ON g.id = s.org_id WHERE g.name = '${CY}'`), 'report,accept');
	await assertAccessible(city, 'accepted');
});
