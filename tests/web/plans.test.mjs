// 计划导入 in a real browser: the general office uploads a changed plan
// file and sees, before anything changes, the changed deadline, the lead
// office that would be created and the withdrawn task with its reported
// progress; 取消 leaves every table as it was (a fingerprint of all of
// them); 确认导入 applies it.  A broken file is shown at its line and
// column.  A document is drafted into a plan and previewed.  An office's account is told the page is the general office's.
// axe at 1366×768 and 390×844; screenshots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	SOURCE, startSite, startBrowser, signIn, screenshot, DESKTOP, assertAccessibleBoth,
} from './harness.mjs';

let site, browser, page;
const pageErrors = [];

// The plan with task 1 due in September and led by 组干科 (an office not
// yet in the system), and task 9 deleted.
const original = readFileSync(join(SOURCE, 'plans/jilin-2012.yaml'), 'utf8');
function changedPlan() {
	const from = '        deadline: 全年\n        leaders: [于海波, 韩非, 张彦明]\n        lead: {office: 财务审计处, person: 陈伟}';
	assert.ok(original.includes(from));
	const s = original.replace(from,
	    '        deadline: 2012年9月\n        leaders: [于海波, 韩非, 张彦明]\n        lead: {office: 组干科, person: 陈伟}');
	return s.slice(0, s.indexOf('      - key: "9"'));
}

// Every table's rows, hashed: the tables a page view itself writes (the
// session's last use) and the clock's anchor are left out.
const FINGERPRINT = `
SELECT md5(string_agg(c.relname || ':' || (xpath('/row/h/text()', query_to_xml(
	format('SELECT md5(coalesce(string_agg(x::text, E''\\n'' ORDER BY x::text), '''')) AS h FROM %I x',
	c.relname), false, true, '')))[1]::text, ',' ORDER BY c.relname))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'r'
   AND c.relname NOT IN ('web_session', 'clock_anchor')`;

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
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

const assertAccessible = (what) => assertAccessibleBoth(page, what, `plans-${what}`);

async function choose(name, text) {
	await page.getByLabel('计划文件', { exact: true }).setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(text) });
	await page.getByRole('button', { name: '预览', exact: true }).click();
}

test('the preview shows a changed deadline and a withdrawn task; 取消 changes nothing; 确认导入 applies', async () => {
	// 监察室 has reported on task 9.
	const m = site.query(`SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id WHERE t.key = '9' LIMIT 1`);
	const res = await page.evaluate(async (id) => {
		const s = await (await fetch('/api/v1/session')).json();
		const r = await fetch(`/api/v1/milestones/${id}`, { method: 'PATCH',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
			body: JSON.stringify({ status: 'in_progress', note: '已开展专项检查' }) });
		return r.status;
	}, m);
	assert.equal(res, 200);

	await page.goto(`${site.url}/plans.html`);
	await assertAccessible('upload');
	const before0 = site.query(FINGERPRINT);
	await choose('jilin-2012.yaml', changedPlan());
	const preview = page.locator('#preview');
	await preview.waitFor();
	assert.match(await page.locator('#pv-summary').innerText(), /撤销 1 项/);
	const deadline = preview.locator('tr', { hasText: '修改任务' }).filter({ hasText: '完成时限' }).first();
	assert.match(await deadline.innerText(), /2012-12-31[\s\S]*2012-09-30/);
	const gone = preview.locator('tr', { hasText: '撤销任务' });
	assert.match(await gone.innerText(), /乱办班乱补课乱收费[\s\S]*已有进度 1 条/);
	assert.match(await page.locator('#pv-offices').innerText(), /组干科（吉林市教育局）/);
	await assertAccessible('preview');
	assert.equal(site.query(FINGERPRINT), before0, 'the preview changed the database');

	await page.getByRole('button', { name: '取消' }).click();
	await page.getByText('已取消，未作任何修改。').waitFor();
	assert.equal(await preview.count(), 0);
	assert.equal(site.query(FINGERPRINT), before0, '取消 changed the database');

	await choose('jilin-2012.yaml', changedPlan());
	await preview.waitFor();
	await page.getByRole('button', { name: '确认导入' }).click();
	await page.locator('#applied').waitFor();
	assert.match(await page.locator('#applied').innerText(), /已导入：jilin-2012\.yaml[\s\S]*撤销 1 项/);
	assert.equal(site.query(`SELECT deadline FROM task WHERE key = '1'`), '2012-09-30');
	assert.equal(site.query(`SELECT withdrawn_at IS NOT NULL FROM task WHERE key = '9'`), 't');
	assert.equal(site.query(`SELECT count(*) FROM office WHERE name = '组干科'`), '1');
	await screenshot(page, 'plans-applied');
});

test('a broken file is shown at its line and column, and nothing changes', async () => {
	await page.goto(`${site.url}/plans.html`);
	const before0 = site.query(FINGERPRINT);
	await choose('坏计划.yaml', original.replace('year: 2012', 'year: 20x2'));
	const errors = page.locator('#plan-errors');
	await errors.waitFor();
	assert.match(await errors.innerText(), /坏计划\.yaml:\d+:\d+：plan 的 year 应为 2000 到 2100 之间的年份/);
	assert.match(await errors.innerText(), /计划未导入，数据库未作任何修改/);
	await assertAccessible('errors');
	assert.equal(site.query(FINGERPRINT), before0);
});

test('a document is drafted into a plan, edited and previewed as a new plan', async () => {
	await page.goto(`${site.url}/plans.html`);
	const doc = readFileSync(join(SOURCE, 'tests/fixtures/seeds/002_1c6724350794c90f.txt'));
	await page.getByLabel('印发的文件').setInputFiles({ name: '吉林市2012年民生实事工作方案.txt', mimeType: 'text/plain', buffer: doc });
	await page.getByRole('button', { name: '起草' }).click();
	const yaml = page.locator('#draft-yaml');
	await yaml.waitFor();
	const text = await yaml.inputValue();
	assert.match(text, /# 待核对：/);
	assert.match(text, /实施“困难家庭学生爱心助学工程”/);
	await assertAccessible('draft');
	const before0 = site.query(FINGERPRINT);
	await page.getByRole('button', { name: '预览这份草稿' }).click();
	const preview = page.locator('#preview');
	await preview.waitFor();
	assert.match(await preview.innerText(), /新计划/);
	assert.match(await page.locator('#pv-summary').innerText(), /新增任务 1[0-9] 项/);
	assert.equal(site.query(FINGERPRINT), before0, 'the preview of a draft changed the database');
	await page.getByRole('button', { name: '取消' }).click();
});

test('an office does not see the page and is told whose it is', async () => {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const p = await ctx.newPage();
	p.on('pageerror', (e) => pageErrors.push(e.message));
	await signIn(p, site, site.tokens['财务审计处']);
	await p.locator('#who .who-name').waitFor();	// the header is filled in for this account
	assert.equal(await p.getByRole('link', { name: '计划导入' }).isVisible(), false);
	await p.goto(`${site.url}/plans.html`);
	await p.getByText('计划由局办公室导入。').waitFor();
	await ctx.close();
});
