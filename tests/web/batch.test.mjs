// 表格填报 in a real browser: the clerk of 财务审计处 opens 我的任务,
// switches to the table, fills every row of task 1 by keyboard, saves,
// reloads (the table view is remembered) and sees the drafts; a text in a
// number is shown on its cell and nothing is saved; then 报送 with one
// click.  axe at 1366×768 and 390×844; screenshots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	startSite, startBrowser, signInPassword, DESKTOP, assertAccessibleBoth,
} from './harness.mjs';

const OFFICE = '财务审计处';
const PW = 'Jilin-Edu-2012-pw';
const TASK = '1 实施“困难家庭学生爱心助学工程”';
let site, browser, page;
const pageErrors = [];

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	site.person('wangli', '王丽', OFFICE, 'clerk', PW);
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	await signInPassword(page, site, 'wangli', PW);
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

const rowsOfTask = () => page.locator('table.batch tbody tr', { has: page.locator('td.task', { hasText: TASK }) });

const assertAccessible = (what) => assertAccessibleBoth(page, what, `batch-${what}`);

test('the clerk fills a whole task by keyboard, saves, reloads, and 报送s', async () => {
	await page.goto(`${site.url}/mine.html`);
	await page.getByRole('button', { name: '表格填报' }).click();
	await rowsOfTask().first().waitFor();
	const n = await rowsOfTask().count();
	assert.ok(n >= 10, `task 1 has ${n} rows`);

	// Row by row: the value (or status), Tab, the 完成情况.
	const want = [];
	for (let i = 0; i < n; i++) {
		const tr = rowsOfTask().nth(i);
		const kind = await tr.getAttribute('data-kind');
		const first = tr.locator('td[data-field="current"] input, td[data-field="status"] select');
		await first.focus();
		if (kind === 'target') {
			await page.keyboard.type(String(i + 1));
		} else {
			await page.keyboard.press('ArrowDown');	// 未开始 → 进行中
		}
		await page.keyboard.press('Tab');
		await page.keyboard.type(`第${i + 1}项完成情况`);
		want.push({ kind, value: kind === 'target' ? String(i + 1) : null, note: `第${i + 1}项完成情况` });
	}
	// Enter moves down the column, as in a spreadsheet.
	await rowsOfTask().nth(0).locator('textarea[data-col="note"]').focus();
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
	    await rowsOfTask().nth(1).locator('textarea[data-col="note"]').getAttribute('aria-label'));
	assert.equal(await page.locator('table.batch tr.changed').count(), n);
	await assertAccessible('filled');

	await page.getByRole('button', { name: '保存草稿' }).click();
	await page.getByRole('status').filter({ hasText: `已保存草稿 ${n} 项` }).waitFor();
	assert.equal(Number(site.query("SELECT count(*) FROM draft")), n);

	// Reloaded: still the table, showing the drafts.
	await page.reload();
	await rowsOfTask().first().waitFor();
	for (let i = 0; i < n; i++) {
		const tr = rowsOfTask().nth(i);
		if (want[i].kind === 'target')
			assert.equal(await tr.locator('td[data-field="current"] input').inputValue(), want[i].value);
		else
			assert.equal(await tr.locator('td[data-field="status"] select').inputValue(), 'in_progress');
		assert.equal(await tr.locator('textarea[data-col="note"]').inputValue(), want[i].note);
	}
	assert.equal(await page.locator('table.batch tr.changed').count(), 0);

	// A text in a number: shown on its cell, nothing saved.
	const before = site.query("SELECT string_agg(patch::text, ',' ORDER BY id) FROM draft");
	const bad = rowsOfTask().first().locator('td[data-field="current"]');
	await bad.locator('input').fill('三百');
	await rowsOfTask().nth(2).locator('textarea[data-col="note"]').fill('改过的完成情况');
	await page.getByRole('button', { name: '保存草稿' }).click();
	await bad.locator('.cell-error', { hasText: '应为数字' }).waitFor();
	assert.equal(await bad.locator('input').getAttribute('aria-invalid'), 'true');
	assert.match(await page.getByRole('status').filter({ hasText: '整张表均未保存' }).innerText(), /第 1 行/);
	assert.equal(site.query("SELECT string_agg(patch::text, ',' ORDER BY id) FROM draft"), before);
	await assertAccessible('error');
	await bad.locator('input').fill(want[0].value);

	// 报送 with one click: the office has no head, so it goes out.
	await page.getByRole('button', { name: '报送' }).click();
	await page.getByRole('status').filter({ hasText: '已报送' }).waitFor();
	assert.equal(Number(site.query("SELECT count(*) FROM draft")), 0);
	assert.equal(site.query(`SELECT note FROM progress WHERE report_id IS NOT NULL AND note = '改过的完成情况'`),
	    '改过的完成情况');
	await page.locator('.batch-state', { hasText: '已报送' }).waitFor();
	await assertAccessible('reported');

	// 离线填报: the 填报表 downloads as a workbook, and goes back up.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: '下载填报表' }).click(),
	]);
	const xlsx = await download.path();
	assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), 'PK');
	await page.getByLabel('上传填好的填报表：').setInputFiles(xlsx);
	await page.locator('.excel-fill [role="status"]', { hasText: '0 行有改动' }).waitFor();
	// Not a workbook: refused, saying why.
	await page.getByLabel('上传填好的填报表：').setInputFiles(
	    join(process.env.DUBAN_SOURCE_DIR, 'tests/fixtures/evidence/验收报告.pdf'));
	await page.locator('.excel-fill [role="status"]', { hasText: /不是|无法|有误/ }).waitFor();
	assert.equal(Number(site.query("SELECT count(*) FROM draft")), 0);
});
