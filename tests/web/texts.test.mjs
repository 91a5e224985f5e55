// 存在问题, 下步措施 and 需协调事项 in the editor, in a real browser: the
// general office fills 存在问题 and a value over three times the target on
// 任务详情; the server asks, the form shows why and a 确认填报值无误 box;
// confirmed, it is saved, and the history shows the text.  A milestone
// set to 受阻 marks 需协调事项 required and refuses a save without it.
// axe at both sizes, with the question on screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startSite, startBrowser, signIn, screenshot, DESKTOP, assertAccessibleBoth,
} from './harness.mjs';

let site, browser, page, task1;
const pageErrors = [];

const assertAccessible = (what) => assertAccessibleBoth(page, what);

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	task1 = site.query("SELECT id FROM task WHERE key = '1'");
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	await signIn(page, site, site.tokens.general);
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

test('a value over three times the target is confirmed, then saved with 存在问题', async () => {
	await page.goto(`${site.url}/task.html?id=${task1}`);
	const tg = page.locator('li.target', { has: page.getByRole('heading', { name: '普通高中受助学生', exact: true }) });
	await tg.waitFor();
	await tg.getByText('更新进展').click();
	await tg.getByText('问题与协调').click();
	await tg.getByLabel('当前完成值').fill('30000');
	await tg.getByLabel('存在问题').fill('部分县区统计口径不一');
	await tg.getByRole('button', { name: '保存' }).click();

	const box = tg.getByRole('checkbox', { name: '确认填报值无误' });
	await box.waitFor();
	assert.match(await tg.locator('.confirm').innerText(), /填报值 30000 超过目标值 8000 的三倍/);
	assert.equal(site.query("SELECT coalesce(current::text, '-') FROM target WHERE key = 'hs-students'"), '-');
	await assertAccessible('任务详情 asking to confirm a value');
	await screenshot(page, 'texts-confirm');

	await box.check();
	await tg.getByRole('button', { name: '保存' }).click();
	await tg.getByRole('status').filter({ hasText: '已保存' }).waitFor();
	assert.equal(await tg.locator('.confirm').isHidden(), true);
	assert.equal(site.query("SELECT current::int || '|' || problems FROM target WHERE key = 'hs-students'"),
	    '30000|部分县区统计口径不一');
	assert.match(await tg.locator('dl.texts').innerText(), /存在问题：\s*部分县区统计口径不一/);

	await page.reload();
	const hist = page.locator('table.hist');
	await hist.waitFor();
	assert.match(await hist.innerText(), /部分县区统计口径不一/);
});

test('受阻 needs 需协调事项', async () => {
	await page.goto(`${site.url}/task.html?id=${task1}`);
	const ms = page.locator('li.ms').first();
	await ms.waitFor();
	await ms.getByText('更新节点').click();
	await ms.getByLabel('状态').selectOption('blocked');
	const coord = ms.getByLabel('需协调事项');
	assert.equal(await coord.evaluate((el) => el.required), true);
	assert.equal(await coord.isVisible(), true);
	await ms.getByRole('button', { name: '保存' }).click();
	await ms.getByText('请填写需协调事项').waitFor();
	assert.equal(await coord.getAttribute('aria-invalid'), 'true');
	await assertAccessible('任务详情 with a blocked milestone');
	await coord.fill('需财政局追加配套资金');
	await ms.getByRole('button', { name: '保存' }).click();
	await ms.getByRole('status').filter({ hasText: '已保存' }).waitFor();
	assert.equal(site.query(`SELECT count(*) FROM milestone WHERE task_id = ${task1}
	    AND status = 'blocked' AND coordination = '需财政局追加配套资金'`), '1');
	await screenshot(page, 'texts-blocked');
});
