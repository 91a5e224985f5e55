// 佐证材料 in a real browser: the clerk of 财务审计处 attaches a PDF and a
// photo to a target in 表格填报 and sees them 待报送; deletes one and adds
// it again; an HTML page renamed .pdf is refused with the server's
// Chinese message next to it.  The head 报送s; the general office opens
// the task page and downloads both, byte for byte the files uploaded.
// The clerk replaces the PDF; after the next 报送 the task page shows it
// struck through, replaced.
// axe at 1366×768 and 390×844; screenshots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	SOURCE, startSite, startBrowser, signIn, signInPassword, DESKTOP, assertAccessibleBoth,
} from './harness.mjs';

const OFFICE = '财务审计处';
const PW = 'Jilin-Edu-2012-pw';
const TASK = '1 实施“困难家庭学生爱心助学工程”';
const FIXTURES = join(SOURCE, 'tests/fixtures/evidence');
const PDF = join(FIXTURES, '验收报告.pdf');
const PNG = join(FIXTURES, '现场照片.png');
const JPG = join(FIXTURES, '新园照片.jpg');
let site, browser;
const pageErrors = [];

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	site.person('wangli', '王丽', OFFICE, 'clerk', PW);
	site.person('zhaogang', '赵刚', OFFICE, 'head', PW);
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

async function newPage() {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
	    acceptDownloads: true });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	return page;
}

const assertAccessible = (page, what) => assertAccessibleBoth(page, what, `files-${what}`);

test('a clerk attaches files, the head 报送s, the general office downloads them', async () => {
	// The clerk, on 我的任务, in the table.
	const clerk = await newPage();
	await signInPassword(clerk, site, 'wangli', PW);
	await clerk.goto(`${site.url}/mine.html`);
	await clerk.getByRole('button', { name: '表格填报' }).click();
	const row = clerk.locator('table.batch tbody tr[data-kind="target"]',
	    { has: clerk.locator('td.task', { hasText: TASK }) }).first();
	await row.waitFor();
	const targetId = Number(await row.getAttribute('data-id'));
	const name = (await row.locator('th.name').innerText()).trim();
	const cell = row.locator('td.files');
	const input = cell.getByLabel(`上传佐证材料：${TASK.split(' ')[0]} ${name}`);

	await input.setInputFiles([PDF, PNG]);
	const listed = (file) => cell.locator('.files-list li', { hasText: file });
	await listed('验收报告.pdf').filter({ hasText: '待报送' }).waitFor();
	await listed('现场照片.png').filter({ hasText: '待报送' }).waitFor();
	assert.equal(site.query(`SELECT string_agg(name || ':' || state, ',' ORDER BY name) FROM evidence_file
	    WHERE target_id = ${targetId}`), '现场照片.png:pending,验收报告.pdf:pending');

	// Deleted, and added again.
	await listed('验收报告.pdf').getByRole('button', { name: '删除“验收报告.pdf”' }).click();
	await listed('验收报告.pdf').waitFor({ state: 'detached' });
	assert.equal(site.query(`SELECT count(*) FROM evidence_file WHERE target_id = ${targetId}`), '1');
	await input.setInputFiles(PDF);
	await listed('验收报告.pdf').filter({ hasText: '待报送' }).waitFor();

	// An HTML page under a PDF's name: refused, the reason next to it.
	await input.setInputFiles({ name: '伪装的报告.pdf', mimeType: 'application/pdf',
	    buffer: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n') });
	const refused = cell.locator('.uploads li.failed', { hasText: '伪装的报告.pdf' });
	await refused.waitFor();
	assert.match(await refused.innerText(), /上传失败：不接受这种文件/);
	assert.equal(site.query(`SELECT count(*) FROM evidence_file WHERE target_id = ${targetId}`), '2');
	await cell.scrollIntoViewIfNeeded();
	await assertAccessible(clerk, 'table');

	// The cards show them too, with their 删除.
	await clerk.getByRole('button', { name: '卡片填报' }).click();
	const card = clerk.locator(`#target-${targetId} .files-box`);
	await card.locator('li', { hasText: '现场照片.png' }).filter({ hasText: '待报送' }).waitFor();
	await card.getByRole('button', { name: '删除“现场照片.png”' }).waitFor();
	await card.scrollIntoViewIfNeeded();
	await assertAccessible(clerk, 'cards');

	// And a value for the target, saved as the office's draft.
	await clerk.getByRole('button', { name: '表格填报' }).click();
	await row.locator('td[data-field="current"] input').fill('12');
	await clerk.getByRole('button', { name: '保存草稿' }).click();
	await clerk.getByRole('status').filter({ hasText: '已保存草稿 1 项' }).waitFor();

	// The head 报送s the office's report: the files go with it.
	const head = await newPage();
	await signInPassword(head, site, 'zhaogang', PW);
	const report = () => head.evaluate(async (office) => {
		const s = await (await fetch('/api/v1/session')).json();
		const r = await fetch(`/api/v1/offices/${encodeURIComponent(office)}/report/submit`, {
			method: 'POST', body: '{"confirm": true}',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf } });
		return `${r.status} ${await r.text()}`;
	}, OFFICE);
	assert.match(await report(), /^200 /);
	assert.equal(site.query(`SELECT string_agg(DISTINCT state, ',') FROM evidence_file
	    WHERE target_id = ${targetId}`), 'submitted');

	// The clerk sees them 已报送, with 替换 and no 删除.
	await clerk.reload();
	await clerk.getByRole('button', { name: '表格填报' }).click();
	await listed('验收报告.pdf').filter({ hasText: '已报送' }).waitFor();
	assert.equal(await cell.getByRole('button', { name: '删除“验收报告.pdf”' }).count(), 0);
	await cell.getByRole('button', { name: '替换“验收报告.pdf”' }).waitFor();

	// The general office, on the task page: both, downloaded whole.
	const general = await newPage();
	await signIn(general, site, site.tokens.general);
	const taskId = site.query(`SELECT task_id FROM target WHERE id = ${targetId}`);
	await general.goto(`${site.url}/task.html?id=${taskId}`);
	const box = general.locator(`#target-${targetId} .files-box`);
	for (const [file, path] of [['验收报告.pdf', PDF], ['现场照片.png', PNG]]) {
		const line = box.locator('li', { hasText: file });
		await line.filter({ hasText: '已报送' }).waitFor();
		assert.match(await line.innerText(), /王丽/);
		const [download] = await Promise.all([general.waitForEvent('download'),
		    line.getByRole('link', { name: file }).click()]);
		assert.equal(download.suggestedFilename(), file);
		assert.ok(readFileSync(await download.path()).equals(readFileSync(path)),
		    `${file}: the bytes downloaded are not the file uploaded`);
	}
	// The history entry the report wrote carries them.
	await general.locator('table.hist .entry-files', { hasText: '验收报告.pdf' }).first().waitFor();

	// The clerk replaces the PDF: the new file waits for the next 报送,
	// the old one stands until then.
	const [chooser] = await Promise.all([clerk.waitForEvent('filechooser'),
	    cell.getByRole('button', { name: '替换“验收报告.pdf”' }).click()]);
	await chooser.setFiles(JPG);
	await listed('新园照片.jpg').filter({ hasText: '待报送' }).waitFor();
	await listed('验收报告.pdf').filter({ hasText: '已报送' }).waitFor();
	assert.match(await report(), /^200 /);

	// On the task page the PDF is struck through, named as replaced.
	await general.reload();
	const old = box.locator('li.superseded', { hasText: '验收报告.pdf' });
	await old.filter({ hasText: '已被“新园照片.jpg”替换' }).waitFor();
	assert.equal(await old.locator('del a').innerText(), '验收报告.pdf');
	await box.locator('li:not(.superseded)', { hasText: '新园照片.jpg' }).filter({ hasText: '已报送' }).waitFor();
	await box.scrollIntoViewIfNeeded();
	await assertAccessible(general, 'task');
});
