// 办结审核 in a real browser against a real duband and database: the head
// of a lead office asks to close a task from its page (keyboard only), the
// general office approves it, and the task shows 已办结 and 已完成; axe
// finds nothing serious at either size.  Its own site: Jilin 2012 loaded
// again with completion_review: yes (the shipped file says no).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	startSite, startBrowser, signIn, DESKTOP, SCREENSHOTS, assertAccessibleBoth,
} from './harness.mjs';

const SOURCE = process.env.DUBAN_SOURCE_DIR || new URL('../..', import.meta.url).pathname;
const OFFICE = '财务审计处';
let site, browser, dir, task6;
const pageErrors = [];

async function newPage(token) {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	await signIn(page, site, token);
	return page;
}

const assertAccessible = (page, what) => assertAccessibleBoth(page, what, `completion-${what}`);

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	dir = mkdtempSync(join(tmpdir(), 'duban-completion-'));
	const yaml = readFileSync(join(SOURCE, 'plans/jilin-2012.yaml'), 'utf8');
	assert.match(yaml, /\n {2}completion_review: no\n/);
	const plan = join(dir, 'jilin-2012.yaml');
	writeFileSync(plan, yaml.replace('\n  completion_review: no\n', '\n  completion_review: yes\n'));
	site.cli(['plan', 'load', plan]);
	assert.equal(site.query("SELECT completion_review FROM plan WHERE key = 'jilin-2012'"), 't');
	task6 = Number(site.query(`SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id
	    WHERE p.key = 'jilin-2012' AND t.key = '6'`));
});

after(async () => {
	await browser?.close();
	await site?.stop();
	if (dir)
		rmSync(dir, { recursive: true, force: true });
});

test('the head of the lead office asks to close a task; the general office approves it', async () => {
	site.cli(['user', 'create', '--login', 'zhaomin', '--name', '赵敏', '--office', OFFICE, '--role', 'head']);
	const head = site.cli(['token', 'create', '--user', 'zhaomin', '--quiet']).trim();

	const page = await newPage(head);
	await page.goto(`${site.url}/task.html?id=${task6}`);
	const panel = page.getByRole('region', { name: '办结审核' });
	await panel.waitFor();
	assert.match(await panel.innerText(), /未申请办结/);
	// Nothing written: the server's words, at the field.
	await panel.getByRole('button', { name: '申请办结' }).click();
	await panel.locator('.field-error').filter({ hasText: '缺少办结说明' }).waitFor();
	const note = panel.getByLabel('办结说明（必填）');
	assert.equal(await note.getAttribute('aria-invalid'), 'true');
	await assertAccessible(page, 'request');
	// By keyboard: the field, then Tab to the button, Enter.
	await note.focus();
	await page.keyboard.type('资助资金已全部拨付到位，学生名单已公示');
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.textContent), '申请办结');
	await page.keyboard.press('Enter');
	await panel.getByText('待办结审核').first().waitFor();
	assert.match(await page.locator('#task-meta').innerText(), /待办结审核/);
	assert.match(await panel.innerText(), /赵敏 申请办结[\s\S]*资助资金已全部拨付到位/);
	assert.equal(await panel.getByRole('button', { name: '同意办结' }).count(), 0, 'an office does not decide');
	assert.equal(await panel.getByRole('button', { name: '申请办结' }).count(), 0, 'one request at a time');
	await page.context().close();

	const gen = await newPage(site.tokens.general);
	await gen.goto(`${site.url}/task.html?id=${task6}`);
	const gp = gen.getByRole('region', { name: '办结审核' });
	await gp.getByRole('button', { name: '同意办结' }).waitFor();
	await gp.getByLabel('审核意见（退回时必填）').fill('材料齐全，同意办结');
	await assertAccessible(gen, 'decide');
	await gp.getByRole('button', { name: '同意办结' }).click();
	await gp.getByText('已办结').first().waitFor();
	assert.match(await gen.locator('#task-meta').innerText(), /已完成/);
	assert.match(await gp.innerText(), /同意办结[\s\S]*材料齐全，同意办结/);
	const hist = await gen.getByRole('table', { name: /进展记录/ }).innerText();
	assert.match(hist, /申请办结/);
	assert.match(hist, /同意办结/);
	await assertAccessible(gen, 'done');
	assert.equal(site.query(`SELECT state FROM task_completion WHERE task_id = ${task6}`), 'approved');
	await gen.context().close();
});

// 督办单 and 督查通报 (notice.html): the sweep issues 督〔2012〕1号 to
// 职业与成人教育处, which signs for it in the page and then sees, on the
// task's page, its 红黄绿灯 in words and why, each target's light, and
// the 督办单 issued and signed in the task's history; 临期 and 未明确牵头处室
// stand beside the light on the tasks that have them; the general office
// drafts a 通报 from a closed round, edits it and issues it in the page;
// both print views go to PDF (page.pdf, A4, as a person prints them) and
// to PNG (pdftoppm) under DUBAN_SCREENSHOTS, to be looked at.
test('a 督办单 is signed for and a 通报 issued in the page; both print on A4', async () => {
	site.query("SELECT duban_sweep('2012-09-20')");
	const office = await newPage(site.tokens['职业与成人教育处']);
	await office.goto(`${site.url}/notice.html`);
	const row = office.locator('tr', { hasText: '督〔2012〕1号' });
	await row.getByRole('button', { name: '签收督〔2012〕1号' }).click();
	await row.getByText('已签收').waitFor();
	await assertAccessible(office, 'notices');

	// The task's page: 红灯 (two milestones overdue), in words, not colour alone.
	const id = (sql) => Number(site.query(sql));
	await office.goto(`${site.url}/task.html?id=${id('SELECT task_id FROM notice WHERE seq = 1')}`);
	const light = office.locator('#task-light');
	await light.waitFor();
	assert.equal(await light.locator('.light').innerText(), '红灯');
	assert.match(await light.innerText(), /2 个节点逾期未完成/);
	assert.doesNotMatch(await light.innerText(), /临期|未明确牵头处室/);
	assert.match(await office.locator('#lights-rule').innerText(), /黄灯：落后序时进度超过 10 个百分点/);
	const targets = office.locator('li.target');
	assert.equal(await targets.count(), 3);
	for (const li of await targets.all())
		assert.equal(await li.locator('.t-light .light').innerText(), '灰灯', 'its figures not reported');
	const hist = await office.getByRole('table', { name: /进展记录/ }).innerText();
	assert.match(hist, /督办单：督〔2012〕1号（蓝色督办，逾期未完成）承办处室：职业与成人教育处；办理时限：2012年9月25日前/);
	assert.match(hist, /督办单签收：督〔2012〕1号/);
	await assertAccessible(office, 'task-lights');
	await office.context().close();

	// 临期 (eight working days ahead, as the general office sets it: 5① is
	// due on 30 September) beside its grey light; 未明确牵头处室 as a flag.
	const put = (body) => fetch(`${site.url}/api/v1/plans/jilin-2012/lights`, { method: 'PATCH',
	    headers: { Authorization: `Bearer ${site.tokens.general}`, 'Content-Type': 'application/json' },
	    body: JSON.stringify(body) }).then((r) => assert.equal(r.status, 200));
	await put({ due_soon_days: 8 });
	const viewer = await newPage(site.tokens.general);
	await viewer.goto(`${site.url}/task.html?id=${id("SELECT id FROM task WHERE label = '5①'")}`);
	await viewer.locator('#task-light').waitFor();
	assert.equal(await viewer.locator('#task-light .light').innerText(), '灰灯');
	assert.match(await viewer.locator('#task-light').innerText(), /指标应报未报[\s\S]*临期：距完成时限还有 7 个工作日/);
	assert.equal(await viewer.locator('li.target .t-light .badge.due_soon').count(), 2);
	await viewer.goto(`${site.url}/task.html?id=${id("SELECT id FROM task WHERE label = '5'")}`);
	await viewer.locator('#task-light').waitFor();
	assert.match(await viewer.locator('#task-light').innerText(), /^灰灯[\s\S]*未明确牵头处室$/);
	await viewer.context().close();
	await put({ due_soon_days: 5 });

	const call = (method, path, body) => fetch(`${site.url}${path}`, { method,
	    headers: { Authorization: `Bearer ${site.tokens.general}`, 'Content-Type': 'application/json' },
	    body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());
	const round = await call('POST', '/api/v1/dispatches', { plans: ['jilin-2012'], due_on: '2012-09-25' });
	await call('POST', `/api/v1/dispatches/${round.id}/close`);

	const gen = await newPage(site.tokens.general);
	await gen.goto(`${site.url}/notice.html`);
	await gen.getByLabel('已结束的调度').selectOption({ label: round.title });
	await gen.getByRole('button', { name: '起草' }).click();
	await gen.getByLabel('下一步要求').waitFor();
	await gen.getByLabel('下一步要求').fill('一、各处室要在5个工作日内补报本轮进展。\n二、逾期事项要限期整改。');
	await gen.getByLabel(/使用红头/).check();
	await assertAccessible(gen, 'bulletin-draft');
	await gen.getByRole('button', { name: '印发' }).click();
	await gen.getByText('已印发：督查通报〔2012〕第1期').waitFor();
	const bulletin = Number(new URL(gen.url()).searchParams.get('bulletin'));
	const notice = Number(site.query("SELECT id FROM notice WHERE seq = 1"));

	mkdirSync(SCREENSHOTS, { recursive: true });
	for (const [name, path, pages] of [['notice', `/api/v1/duban-notices/${notice}`, 1],
	    ['bulletin', `/api/v1/bulletins/${bulletin}`, null]]) {
		await gen.goto(`${site.url}${path}?format=html`);
		const pdf = join(SCREENSHOTS, `print-${name}.pdf`);
		await gen.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
		const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
		assert.match(info, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/, `${name}: A4`);
		if (pages)
			assert.match(info, new RegExp(`Pages:\\s+${pages}\\n`), `${name}: ${pages} page`);
		execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(SCREENSHOTS, `print-${name}`)]);
	}
	await gen.context().close();
});

test('no script errors on the task page', () => {
	assert.deepEqual(pageErrors, []);
});
