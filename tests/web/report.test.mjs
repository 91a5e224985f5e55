// 报送 with people, in a real browser: a clerk of 财务审计处 signs in with
// a password, sees the open round and its due date in 待办, fills a
// target (a draft), submits to the head; the head returns it once, then
// approves and 报送s it; the general office 退回s it with a reason, the
// clerk reads it, fixes and resubmits, and the general office accepts
// it.  The round's page shows each state.  axe at both sizes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startSite, startBrowser, signInPassword, screenshot, DESKTOP, PHONE, assertAccessibleBoth,
} from './harness.mjs';

const OFFICE = '财务审计处';
const PW = 'Jilin-Edu-2012-pw';
let site, browser, round;
const pageErrors = [];

async function personPage(login) {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(`${login}: ${e.message}`));
	await signInPassword(page, site, login, PW);
	return page;
}

async function shoot(page, name) {
	await screenshot(page, name);
	await page.setViewportSize(PHONE);
	await screenshot(page, name);
	await page.setViewportSize(DESKTOP);
}

const assertAccessible = (page, what) => assertAccessibleBoth(page, what);

// The report panel's row for the round, and its state as shown.
const roundRow = (page) => page.locator('#report li.report-row', { hasText: '2012年9月进展调度' });

// 我的任务's target editor for 普通高中受助学生.
async function fillTarget(page, values) {
	const card = page.locator('article.task-card', {
		has: page.getByRole('heading', { name: '1 实施“困难家庭学生爱心助学工程”' }) });
	const tg = card.locator('li.target', { has: page.getByRole('heading', { name: '普通高中受助学生', exact: true }) });
	await tg.getByText('更新进展').click();
	for (const [label, v] of Object.entries(values))
		await tg.getByLabel(label).fill(v);
	await tg.getByRole('button', { name: '保存' }).click();
	await tg.getByRole('status').filter({ hasText: '已保存为草稿' }).waitFor();
	return tg;
}

// Submitting names task 6, which nothing covers: confirm it.
async function submitConfirmed(page, button) {
	await roundRow(page).getByRole('button', { name: button }).click();
	const box = roundRow(page).locator('.confirm').filter({ hasText: '实施低保家庭中小学生午餐免费补贴政策' });
	await box.waitFor();
	await box.getByRole('button', { name: '确认无新进展，仍然提交' }).click();
}

async function officeState(page) {
	const row = page.locator('tr', { has: page.locator('td', { hasText: OFFICE }) });
	return (await row.innerText()).replace(/\s+/g, ' ');
}

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	site.person('wangli', '王丽', OFFICE, 'clerk', PW);
	site.person('zhaogang', '赵刚', OFFICE, 'head', PW);
	site.person('sunmei', '孙梅', null, 'general', PW);
	const out = site.cli(['dispatch', 'open', '--plan', 'jilin-2012', '--office', OFFICE,
	    '--due', '2012-09-28', '--json'], { DUBAN_SERVER: site.url, DUBAN_TOKEN: site.tokens.general });
	round = JSON.parse(out).id;
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

test('the general office sees whom the round reached, and 催办s once a day', async () => {
	const general = await personPage('sunmei');
	await general.goto(`${site.url}/dispatch.html?id=${round}&opened=1`);
	await general.getByText(`${OFFICE}未设置接收人，未能通知`).first().waitFor();
	assert.match(await officeState(general), /未设置接收人，未能通知/);
	await general.getByRole('button', { name: `催办${OFFICE}` }).click();
	await general.getByRole('button', { name: `催办${OFFICE}` }).waitFor();
	await general.getByRole('button', { name: `催办${OFFICE}` }).click();
	await general.getByText('今天已催办过该处室').waitFor();
	assert.equal(site.query(`SELECT count(*) FROM reminder WHERE key LIKE 'dispatch.${round}.%.urge.%'`), '1');
	await assertAccessible(general, '调度 (general) with 催办');
	await general.context().close();
});

test('a round from the clerk to the head to the general office and back', async () => {
	// The clerk: the round and its date in 待办; a draft; to the head.
	const clerk = await personPage('wangli');
	await clerk.waitForURL(/mine\.html/);
	const todo = clerk.locator('#todo');
	await todo.getByText('请于 2012-09-28 前填报本处室牵头任务的进展并报送').waitFor();
	await clerk.getByRole('heading', { name: '本处室报告' }).waitFor();
	assert.match(await roundRow(clerk).innerText(), /未报送/);
	const tg = await fillTarget(clerk, { 当前完成值: '7000', 完成情况: '秋季学期已资助7000名' });
	assert.match(await tg.locator('.draft-note').innerText(), /草稿.*仅本处室可见/);
	// Not reported yet: the value everyone else sees has not moved.
	assert.equal(site.query("SELECT coalesce(current::text, '-') FROM target WHERE key = 'hs-students'"), '-');
	await clerk.reload();
	await assertAccessible(clerk, '我的任务 (clerk) with a draft');
	await shoot(clerk, 'report-clerk');
	await submitConfirmed(clerk, '提交处室负责人审核');
	await roundRow(clerk).getByText('待审核').first().waitFor();

	// The head returns it once.
	const head = await personPage('zhaogang');
	await head.waitForURL(/mine\.html/);
	await head.locator('#todo').getByText('经办人已提交，待您审核报送').waitFor();
	await roundRow(head).getByRole('button', { name: '退回经办人修改' }).click();
	await roundRow(head).getByLabel('退回理由（对方在待办中看到）').fill('请补充资金发放情况');
	await assertAccessible(head, '我的任务 (head) returning');
	await shoot(head, 'report-head');
	await roundRow(head).getByRole('button', { name: '确认退回' }).click();
	await roundRow(head).locator('.badge', { hasText: '退回' }).waitFor();

	// The clerk reads why, fixes, submits again; the head 报送s it.
	await clerk.reload();
	await clerk.locator('#todo').getByText('退回理由：请补充资金发放情况').waitFor();
	await fillTarget(clerk, { 完成情况: '秋季学期已资助7000名，资金已全部发放' });
	await submitConfirmed(clerk, '提交处室负责人审核');
	await roundRow(clerk).getByText('待审核').first().waitFor();
	await head.reload();
	await submitConfirmed(head, '审核通过并报送');
	await roundRow(head).locator('.badge', { hasText: '已报送' }).waitFor();
	assert.equal(site.query("SELECT current::int FROM target WHERE key = 'hs-students'"), '7000',
	    site.query("SELECT string_agg(action || ':' || actor || ':' || coalesce(items::text, ''), E'\n' ORDER BY id) FROM office_report_step"));

	// The general office: 已报送 on the round's page; 退回 with a reason.
	const general = await personPage('sunmei');
	await general.goto(`${site.url}/dispatch.html?id=${round}`);
	await general.getByRole('heading', { name: '报送情况' }).waitFor();
	assert.match(await officeState(general), /已报送/);
	await general.getByRole('button', { name: `退回${OFFICE}的报告` }).click();
	await general.getByLabel('退回理由（对方在待办中看到）').fill('请说明资助标准');
	await assertAccessible(general, '调度 (general) returning');
	await general.getByRole('button', { name: '确认退回' }).click();
	await general.getByText('退回理由：请说明资助标准').waitFor();
	assert.match(await officeState(general), /退回/);

	// The clerk sees it, fixes, resubmits; the head 报送s; accepted.
	await clerk.reload();
	await clerk.locator('#todo').getByText('退回理由：请说明资助标准').waitFor();
	await fillTarget(clerk, { 完成情况: '秋季学期已资助7000名，每生每年1500元' });
	await submitConfirmed(clerk, '提交处室负责人审核');
	await roundRow(clerk).getByText('待审核').first().waitFor();
	await head.reload();
	await submitConfirmed(head, '审核通过并报送');
	await roundRow(head).locator('.badge', { hasText: '已报送' }).waitFor();
	await general.reload();
	await general.getByRole('button', { name: `采纳${OFFICE}的报告` }).click();
	await general.locator('tr', { hasText: OFFICE }).locator('.badge', { hasText: '已采纳' }).waitFor();
	await shoot(general, 'report-round');
	assert.equal(site.query("SELECT note FROM target WHERE key = 'hs-students'"),
	    '秋季学期已资助7000名，每生每年1500元');
	assert.equal(site.query(`SELECT string_agg(action || ':' || actor, ' ' ORDER BY id)
	    FROM office_report_step`),
	'submit:王丽 return:赵刚 submit:王丽 report:赵刚 return:孙梅 submit:王丽 report:赵刚 accept:孙梅');
	for (const p of [clerk, head, general])
		await p.context().close();
});

// Issue 15: 总览's lights carry their words (not colour alone) and pass
// axe; the quarterly report reads on a phone: each task a block, no page
// wider than the screen.
test('总览 shows the lights with their words, and the report reads on a phone', async () => {
	const general = await personPage('sunmei');
	await general.goto(`${site.url}/index.html?plan=jilin-2012`);
	const red = general.locator('.tile.light-red');
	await red.waitFor();
	assert.match(await red.innerText(), /红灯（严重滞后或逾期）/);
	await general.locator('#tasks-body .light').first().waitFor();
	assert.match(await general.locator('#tasks-body').innerText(), /[绿黄红灰]灯/);
	assert.match(await general.locator('#off-h').locator('..').locator('..').innerText(),
	    /本期无到期事项（不参加排名）/);
	await assertAccessible(general, '总览 with lights');
	await shoot(general, 'overview-lights');

	await general.goto(`${site.url}/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&format=html`);
	await general.locator('table.tasks').waitFor();
	await general.setViewportSize(PHONE);
	const [scroll, client, display] = await general.evaluate(() => [document.documentElement.scrollWidth,
	    document.documentElement.clientWidth, getComputedStyle(document.querySelector('table.tasks tr.task')).display]);
	assert.ok(scroll <= client, `the report is ${scroll} px wide on a ${client} px screen`);
	assert.equal(display, 'block');
	await general.setViewportSize(DESKTOP);
	await assertAccessible(general, 'the quarterly report');
	await shoot(general, 'quarterly-report');
	await general.context().close();
});
