// The pages in a real browser against a real duband and database: what a
// clerk of a lead office, the general office and an inspector see and do.
// The tests run in order and build on each other (a round is opened, an
// office reports in it, the general office sees it and closes it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startSite, startBrowser, signIn, axeSerious, screenshot, DESKTOP, PHONE,
} from './harness.mjs';

const OFFICE = '财务审计处';
let site, browser;
const pageErrors = [];
const ids = {};
const users = {};

// The ids the plan got in this database, by the plan's own keys.
function id(sql) {
	const v = site.query(sql);
	assert.match(v, /^\d+$/, `no id for ${sql}`);
	return Number(v);
}
const taskId = (key) => id(`SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id
    WHERE p.key = 'jilin-2012' AND t.key = '${key}'`);
const targetId = (task, key) => id(`SELECT id FROM target WHERE task_id = ${task} AND key = '${key}'`);
const milestoneId = (task, key) => id(`SELECT id FROM milestone WHERE task_id = ${task} AND key = '${key}'`);

async function newPage(who) {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
	if (who)
		await signIn(page, site, site.tokens[who]);
	return page;
}

// Screenshots at both sizes, back to the desktop after.
async function shoot(page, name) {
	await screenshot(page, name);
	await page.setViewportSize(PHONE);
	await screenshot(page, name);
	await page.setViewportSize(DESKTOP);
}

async function assertAccessible(page, what) {
	const v = await axeSerious(page);
	assert.deepEqual(v, [], `${what}: ${JSON.stringify(v, null, 1)}`);
}

const mainText = (page) => page.locator('main').innerText();

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	ids.task1 = taskId('1');		// 财务审计处 leads
	ids.task6 = taskId('6');		// 财务审计处 leads
	ids.task7 = taskId('7');		// 职业与成人教育处 leads, 财务审计处 has no part
	ids.deadline1 = milestoneId(ids.task1, 'deadline');
	ids.deadline6 = milestoneId(ids.task6, 'deadline');
	ids.deadline7 = milestoneId(ids.task7, 'deadline');
	ids.students = targetId(ids.task1, 'hs-students');
	ids.funds = targetId(ids.task1, 'hs-funds');
});

after(async () => {
	await browser?.close();
	await site?.stop();
});

test('login: labelled fields, the server\'s message on a bad password or token, keyboard first', async () => {
	const page = await newPage(null);
	await page.goto(`${site.url}/login.html`);
	assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
	const login = page.getByLabel('登录名');
	const password = page.getByLabel('密码', { exact: true });
	assert.equal(await password.getAttribute('type'), 'password');
	assert.equal(await login.getAttribute('autocomplete'), 'username');
	assert.match(await mainText(page), /个人账号/);

	await assertAccessible(page, 'login');
	await shoot(page, 'login');

	// The first Tab reaches the skip link, and it shows.
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.textContent), '跳到正文');
	const box = await page.locator('.skip').boundingBox();
	assert.ok(box.y >= 0, 'the focused skip link is on screen');

	// Nothing typed: said under the field.
	await page.getByRole('button', { name: '登录', exact: true }).click();
	assert.equal(await login.getAttribute('aria-invalid'), 'true');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'login');

	await login.fill('nobody');
	await password.fill('Not-the-password-1');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await page.getByText('登录名或密码不对').first().waitFor();
	assert.equal(await password.getAttribute('aria-invalid'), 'true');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'password');

	// The office token, folded away below.
	await page.getByText('用访问令牌登录').click();
	const field = page.getByLabel('访问令牌');
	assert.equal(await field.getAttribute('type'), 'password');
	assert.match(await mainText(page), /duban token create/);
	await field.fill('dbn_not-a-real-token');
	await page.getByRole('button', { name: '用令牌登录' }).click();
	await page.getByText('令牌无效或已吊销').waitFor();
	assert.equal(await field.getAttribute('aria-invalid'), 'true');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'token');
	assert.ok(page.url().endsWith('/login.html'));
	await page.context().close();
});

test('a clerk signs in with a one-time password and must set their own first', async () => {
	const out = site.cli(['user', 'create', '--login', 'chenwei', '--name', '陈伟',
	    '--office', OFFICE, '--role', 'clerk']);
	const onetime = out.trim().split('\n').pop();
	assert.match(onetime, /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
	const page = await newPage(null);
	await page.goto(`${site.url}/login.html?next=mine.html`);
	await page.getByLabel('登录名').fill('chenwei');
	await page.getByLabel('密码', { exact: true }).fill(onetime);
	await page.getByRole('button', { name: '登录', exact: true }).click();

	// Asked for a new password before anything else.
	await page.getByRole('heading', { name: '请修改密码' }).waitFor();
	assert.equal(await page.getByLabel('当前密码').isVisible(), false, 'just typed: not asked again');
	await assertAccessible(page, 'password change');
	await shoot(page, 'password-change');
	await page.getByLabel('新密码', { exact: true }).fill('chenwei2012');
	await page.getByLabel('再次输入新密码').fill('chenwei2012');
	await page.getByRole('button', { name: '修改密码并进入' }).click();
	await page.getByText('密码不能包含登录名').first().waitFor();
	assert.equal(await page.getByLabel('新密码', { exact: true }).getAttribute('aria-invalid'), 'true');

	await page.getByLabel('新密码', { exact: true }).fill('Caiwu-Shenji-2012');
	await page.getByLabel('再次输入新密码').fill('Caiwu-Shenji-2012');
	await Promise.all([
		page.waitForURL(/\/mine\.html$/),
		page.getByRole('button', { name: '修改密码并进入' }).click(),
	]);
	// The header names the person, their office and their part.
	const who = page.locator('#who');
	await who.getByText('陈伟').waitFor();
	assert.match(await who.innerText(), /财务审计处 · 经办人/);
	assert.equal(site.query("SELECT must_change FROM account WHERE login = 'chenwei'"), 'f');
	await page.context().close();
});

test('the general office opens a dispatch round', async () => {
	const page = users.general = await newPage('general');
	assert.ok(page.url().endsWith('/index.html'), page.url());
	await page.getByRole('link', { name: '调度' }).click();
	await page.getByRole('heading', { name: '发起调度' }).waitFor();
	assert.equal(await page.getByRole('checkbox', { name: '吉林市教育局2012年落实民生实事工作方案' }).isChecked(), true);
	for (const o of [OFFICE, '发展规划处', '职业与成人教育处'])
		await page.getByRole('checkbox', { name: o, exact: true }).check();
	await page.getByLabel('报送截止日期').fill('2012-09-28');
	await page.getByLabel('调度要求').fill('请更新节点状态、指标完成值，并填写完成情况和取得成效');
	await assertAccessible(page, 'dispatch form');
	await Promise.all([
		page.waitForURL(/dispatch\.html\?id=\d+/),
		page.getByRole('button', { name: '发起调度' }).click(),
	]);
	await page.getByRole('heading', { name: '报送情况' }).waitFor();
	ids.round = Number(new URL(page.url()).searchParams.get('id'));
	const rows = page.locator('table tbody tr');
	assert.equal(await rows.count(), 3);
	assert.match(await rows.filter({ hasText: OFFICE }).innerText(), /未报送/);
	assert.match(await mainText(page), /请更新节点状态/);
	await assertAccessible(page, 'dispatch round');
	await shoot(page, 'dispatch');
});

test('a lead office updates a milestone and a target in place, and sees both in the history', async () => {
	const page = users.office = await newPage(OFFICE);
	assert.ok(page.url().endsWith('/mine.html'), page.url());

	// The token went into the session cookie, not into anything the page keeps.
	const kept = await page.evaluate(() => ({
		cookie: document.cookie,
		local: JSON.stringify({ ...localStorage }),
		session: JSON.stringify({ ...sessionStorage }),
	}));
	assert.ok(!kept.cookie.includes('duban_session'), 'the session cookie is HttpOnly');
	for (const v of Object.values(kept))
		assert.ok(!v.includes(site.tokens[OFFICE]), 'the token is not stored');
	// The header is filled once /api/v1/session answers.
	await page.getByRole('banner').locator('#who').getByText(OFFICE).first().waitFor();

	const card = page.locator('article.task-card', {
		has: page.getByRole('heading', { name: '1 实施“困难家庭学生爱心助学工程”' }) });
	await card.waitFor();
	assert.equal(await page.locator('article.task-card').count(), 4);

	// The milestone: 完成时限 in progress, with what was done.
	const ms = card.locator('li.ms', { hasText: '完成时限' });
	await ms.getByText('更新节点').click();
	await ms.getByLabel('状态').selectOption({ label: '进行中' });
	assert.equal(await ms.getByLabel('完成日期').isDisabled(), true);
	await ms.getByLabel('完成情况').fill('已完成资助对象统计审核');
	await ms.getByRole('button', { name: '保存' }).click();
	await ms.getByRole('status').filter({ hasText: '已保存' }).waitFor();
	assert.match(await ms.locator('.ms-head').innerText(), /进行中/);

	// The target: 普通高中受助学生, its current value and texts.
	const tg = card.locator('li.target', { has: page.getByRole('heading', { name: '普通高中受助学生', exact: true }) });
	await tg.getByText('更新进展').click();
	await tg.getByLabel('当前完成值').fill('7200');
	await tg.getByLabel('完成情况').fill('秋季学期已资助7200名');
	await tg.getByLabel('取得成效').fill('无一人因家庭困难辍学');
	await assertAccessible(page, '我的任务 with editors open');
	await shoot(page, 'mine');
	await tg.getByRole('button', { name: '保存' }).click();
	await tg.getByRole('status').filter({ hasText: '已保存' }).waitFor();
	assert.match(await tg.locator('.t-now').innerText(), /7,200名/);
	assert.match(await tg.locator('.t-now').innerText(), /完成 90\.0%/);

	// Both are in the task's history.
	await card.getByRole('link', { name: /困难家庭学生爱心助学工程/ }).click();
	await page.waitForURL(/task\.html\?id=/);
	const hist = page.locator('table.hist tbody tr');
	await hist.first().waitFor();
	assert.equal(await hist.count(), 2);
	const newest = await hist.nth(0).innerText();
	assert.match(newest, /财务审计处/);
	assert.match(newest, /普通高中受助学生/);
	assert.match(newest, /未填报|（空）/);
	assert.match(newest, /7,200名/);
	assert.match(newest, /秋季学期已资助7200名/);
	assert.match(newest, /无一人因家庭困难辍学/);
	const older = await hist.nth(1).innerText();
	assert.match(older, /完成时限/);
	assert.match(older, /未开始[\s\S]*进行中/);
	assert.match(older, /已完成资助对象统计审核/);

	// The database has both writes, by the office.
	const rows = site.query(`SELECT p.field || '|' || p.new_value || '|' || o.name || '|' ||
	    coalesce(p.target_id, p.milestone_id) FROM progress p JOIN office o ON o.id = p.office_id
	    WHERE p.task_id = ${ids.task1} ORDER BY p.id`).split('\n');
	assert.deepEqual(rows, [`status|in_progress|${OFFICE}|${ids.deadline1}`,
	    `current|7200|${OFFICE}|${ids.students}`]);

	// The task page offers the same editors to the office that leads it.
	assert.ok(await page.getByText('更新进展').count() > 0);
	await assertAccessible(page, '任务详情');
	await shoot(page, 'task');
});

test('the general office\'s 总览 shows the update; its filters are in the URL', async () => {
	const page = users.general;
	await page.getByRole('link', { name: '总览' }).click();
	await page.waitForURL(/index\.html/);
	const row = page.locator('table.tasks tbody tr', { hasText: '实施“困难家庭学生爱心助学工程”' });
	await row.waitFor();
	const text = await row.innerText();
	assert.match(text, /2012-09-20 财务审计处/);
	assert.match(text, /秋季学期已资助7200名/);
	assert.match(await page.locator('.tiles').innerText(), /12\s+任务/);
	await page.getByRole('heading', { name: '需督办' }).waitFor();
	assert.match(await page.locator('#off-h').innerText(), /处室排名/);

	// Filters: by status, kept in the URL; a link to the view opens it.
	await page.getByLabel('状态').selectOption({ label: '逾期' });
	await page.waitForURL(/status=overdue/);
	const rows = page.locator('table.tasks tbody tr');
	assert.equal(await rows.count(), 1);
	assert.match(await rows.first().innerText(), /上岗技能无偿援助计划/);
	await page.goto(`${site.url}/index.html?office=${encodeURIComponent('人事处')}&due=30d`);
	await page.locator('#tasks-count').filter({ hasText: '符合条件 1 项' }).waitFor();
	assert.equal(await page.getByLabel('处室（牵头或负责）').inputValue(), '人事处');
	assert.equal(await page.getByLabel('期限').inputValue(), '30d');
	assert.match(await rows.first().innerText(), /5① 开展义务教育阶段教师交流工作[\s\S]*2012-09-30/);
	await page.getByRole('button', { name: '清除筛选' }).click();
	await page.waitForURL((u) => !u.search.includes('office='));
	assert.equal(await rows.count(), 12);

	// From the keyboard: the arrow keys change a filter.
	await page.getByLabel('状态').focus();
	await page.keyboard.press('ArrowDown');
	await page.waitForURL(/status=done/);
	await page.getByText('没有符合条件的任务').waitFor();
	await page.keyboard.press('ArrowUp');
	await page.waitForURL((u) => !u.search.includes('status='));
	assert.equal(await rows.count(), 12);
	await assertAccessible(page, '总览');
	await shoot(page, 'index');
});

test('every page has one header and one navigation, the page itself marked, without script', async () => {
	const page = users.general;
	const pages = [['index.html', '总览'], ['mine.html', '我的任务'], ['jiaoban.html', '督办事项'],
	    ['dispatch.html', '调度'],
	    ['reports.html', '报告'], ['users.html', '账号管理'], [`task.html?id=${ids.task1}`, null]];
	for (const [path, current] of pages) {
		await page.goto(`${site.url}/${path}`);
		await page.locator('#who .who-name').waitFor();
		assert.equal(await page.getByRole('banner').count(), 1, path);
		const nav = page.getByRole('navigation', { name: '主导航' });
		assert.equal(await nav.count(), 1, path);
		const marked = nav.locator('[aria-current="page"]');
		if (current) {
			assert.equal(await marked.count(), 1, path);
			assert.equal(await marked.innerText(), current, path);
			assert.equal(await marked.getAttribute('href'), path, path);
		} else {
			// 任务详情 is none of the navigation's pages: its crumbs say where it is.
			assert.equal(await marked.count(), 0, path);
			// Set once the task has loaded: waited for, not raced.
			await page.getByRole('navigation', { name: '位置' })
			    .locator('[aria-current="page"]', { hasText: /^任务 / }).waitFor();
		}
		assert.equal(await page.getByRole('contentinfo').count(), 1, path);
		assert.equal(await page.locator('a.skip').count(), 1, path);
	}
	// The login page: its own smaller frame, no navigation.
	const login = await newPage(null);
	await login.goto(`${site.url}/login.html`);
	assert.equal(await login.getByRole('banner').count(), 1);
	assert.equal(await login.getByRole('navigation').count(), 0);
	assert.equal(await login.getByRole('contentinfo').count(), 1);
	await login.context().close();

	// The frame is in the page as served, before any script runs; the
	// frame file itself is no page.
	const served = await page.evaluate(async () => {
		const get = async (u) => { const r = await fetch(u); return { status: r.status, text: await r.text() }; };
		return { mine: await get('/mine.html'), root: await get('/'), frame: await get('/frame.html') };
	});
	assert.equal(served.mine.status, 200);
	assert.match(served.mine.text, /^<!DOCTYPE html>/);
	assert.match(served.mine.text, /<a href="mine\.html" aria-current="page">我的任务<\/a>/);
	assert.match(served.mine.text, /<meta charset="utf-8">/);
	assert.match(served.mine.text, /<footer class="foot wrap">/);
	assert.doesNotMatch(served.mine.text, /#frame|#part/);
	assert.match(served.root.text, /<a href="index\.html" aria-current="page">总览<\/a>/);
	assert.equal(served.frame.status, 404);
});

test('the words and the pace on the pages are the server\'s', async () => {
	const page = users.general;
	await page.goto(`${site.url}/index.html`);
	const row = page.locator('table.tasks tbody tr', { hasText: '实施“困难家庭学生爱心助学工程”' });
	await row.waitFor();
	const api = await page.evaluate(async (id) => {
		const get = async (u) => (await fetch(u)).json();
		return { words: await get('/api/v1/words'), overview: await get('/api/v1/overview'),
		    task: await get(`/api/v1/tasks/${id}`) };
	}, ids.task1);
	const words = api.words;
	// The status filter offers the server's statuses, in its order, in its words.
	const options = await page.getByLabel('状态').locator('option').allInnerTexts();
	assert.deepEqual(options, ['全部状态', ...Object.values(words.task_status)]);
	// A task's status and its progress bar, as the overview answers them.
	const t = api.overview.tasks.find((x) => x.id === ids.task1);
	assert.equal(await row.locator('.badge').innerText(), words.task_status[t.status]);
	// 7,200 of 8,000, its other figures not reported: 按期推进 on what is
	// reported (it was 滞后, the unreported counted as 0), and the average
	// says what it is over.
	assert.equal(t.status, 'on_track');
	assert.deepEqual([t.targets_reported, t.targets_measured], [1, 10]);
	// One decimal, half up (the server's shares are decimals: 0.6635 is
	// 66.4%, not the 66.3% of its binary value).
	const pc = (x) => `${(Math.round(Number(x) * 1000 + 1e-7) / 10).toFixed(1)}%`;
	assert.equal(await row.locator('svg').getAttribute('aria-label'),
	    `完成 ${pc(t.avg_completion)}，时间进度 ${pc(t.time_elapsed)}`);
	assert.equal(await row.locator('.tg-filled').innerText(), '已填报 1/10');
	// A task nobody has reported on: 未填报, no bar, no 0%.
	const none = page.locator('table.tasks tbody tr', { hasText: '实施“学前教育三年行动计划”' });
	assert.equal(await none.locator('.badge').first().innerText(), words.task_status.unreported);
	assert.equal(await none.locator('svg').count(), 0);
	assert.match(await none.innerText(), /未填报[\s\S]*已填报 0\/2/);
	assert.equal(await row.locator('svg rect').nth(1).getAttribute('class'), `f-${t.completion_state}`);
	// The tiles count by light (红黄绿灯), each in the server's word, with
	// 临期 and 未明确牵头处室 beside them.
	for (const light of Object.keys(words.light))
		assert.match(await page.locator(`.tiles .tile.light-${light} .l`).innerText(),
		    new RegExp(`^${words.light[light]}（`));
	assert.equal(await page.locator('.tiles .tile.unassigned .l').innerText(),
	    words.task_status.unassigned);

	// 任务详情: a milestone's status and a target's state in the server's words.
	await page.goto(`${site.url}/task.html?id=${ids.task1}`);
	const ms = page.locator('li.ms', { hasText: '完成时限' });
	await ms.waitFor();
	assert.equal(await ms.locator('.ms-head .badge').innerText(), words.milestone_status.in_progress);
	const g = api.task.targets.find((x) => x.id === ids.students);
	assert.equal(g.state, 'on_track');	// 7,200 of 8,000 by 20 September
	const tg = page.locator('li.target', { has: page.getByRole('heading', { name: '普通高中受助学生', exact: true }) });
	assert.equal(await tg.locator('.t-now .badge').innerText(), words.target_state[g.state]);
	assert.match(await tg.locator('.t-now').innerText(), new RegExp(`时间进度 ${pc(g.time_elapsed)}`));
	const roles = await page.locator('dl.roles dt').allInnerTexts();
	assert.ok(roles.length > 0 && roles.every((r) => Object.values(words.task_role).includes(r)), roles.join());
});

test('the round shows who reported; closing it gives the 调度汇总', async () => {
	const page = users.general;
	await page.goto(`${site.url}/dispatch.html?id=${ids.round}`);
	const rows = page.locator('table tbody tr');
	await rows.first().waitFor();
	assert.match(await rows.filter({ hasText: OFFICE }).innerText(), /已报送/);
	assert.match(await rows.filter({ hasText: '职业与成人教育处' }).innerText(), /未报送/);
	await page.getByRole('button', { name: '结束调度' }).click();
	await Promise.all([
		page.waitForURL(/closed=1/),
		page.getByRole('button', { name: '确认结束' }).click(),
	]);
	await page.getByRole('heading', { name: '调度汇总' }).waitFor();
	const summary = await page.locator('section', { has: page.getByRole('heading', { name: '调度汇总' }) }).innerText();
	assert.match(summary, /普通高中受助学生/);
	assert.match(summary, /仍需督办/);
	assert.equal(await page.getByRole('button', { name: '结束调度' }).count(), 0);
	await assertAccessible(page, '调度汇总');
	await shoot(page, 'dispatch-summary');
	await page.goto(`${site.url}/dispatch.html`);
	await page.getByRole('heading', { name: '调度轮次' }).waitFor();
	assert.match(await page.locator('table tbody').innerText(), /已结束/);
	await assertAccessible(page, '调度列表');
	await shoot(page, 'dispatch-list');
});

test('an office has no editor on another office\'s task, and a forced write is refused', async () => {
	const page = users.office;
	await page.goto(`${site.url}/task.html?id=${ids.task7}`);
	await page.getByRole('heading', { name: '进展记录' }).waitFor();
	assert.match(await mainText(page), /不由财务审计处牵头或负责，只能查看/);
	const main = page.locator('main');
	for (const role of ['textbox', 'combobox', 'spinbutton'])
		assert.equal(await main.getByRole(role).count(), 0, `no ${role}`);
	assert.equal(await main.getByRole('button', { name: '保存' }).count(), 0);
	assert.equal(await main.getByText('更新节点').count(), 0);
	assert.equal(await main.getByText('更新进展').count(), 0);

	const answer = await page.evaluate(async (mid) => {
		const s = await (await fetch('/api/v1/session')).json();
		const r = await fetch(`/api/v1/milestones/${mid}`, {
			method: 'PATCH',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf, 'If-Match': '"1"' },
			body: JSON.stringify({ status: 'done', note: '越权写入' }),
		});
		return { status: r.status, body: await r.json() };
	}, ids.deadline7);
	assert.equal(answer.status, 403);
	assert.equal(answer.body.title, '无权修改');
	assert.equal(site.query(`SELECT count(*) FROM progress WHERE task_id = ${ids.task7}`), '0');
	assert.equal(site.query(`SELECT status FROM milestone WHERE id = ${ids.deadline7}`), 'pending');
});

test('a stale save shows the newer value and who wrote it; the clerk re-applies the edit', async () => {
	const page = users.office;
	await page.goto(`${site.url}/task.html?id=${ids.task1}`);
	const tg = page.locator('li.target', { has: page.getByRole('heading', { name: '普通高中资助资金', exact: true }) });
	await tg.getByText('更新进展').click();
	await tg.getByLabel('当前完成值').fill('900');
	await tg.getByLabel('完成情况').fill('资金已拨付900万元');

	// Meanwhile, someone else saves the same target.
	const res = await fetch(`${site.url}/api/v1/targets/${ids.funds}`, {
		method: 'PATCH',
		headers: { Authorization: `Bearer ${site.tokens[OFFICE]}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ current: 850, outcome: '按时足额发放' }),
	});
	assert.equal(res.status, 200);

	await tg.getByRole('button', { name: '保存' }).click();
	const box = tg.locator('.conflict');
	await box.getByText('已被他人修改').waitFor();
	const said = await box.innerText();
	assert.match(said, /财务审计处 于 2012-09-20 \d\d:\d\d/);
	assert.match(said, /850万元/);		// theirs
	assert.match(said, /900万元/);		// mine
	// What the clerk typed is kept; what they did not touch takes the newer value.
	assert.equal(await tg.getByLabel('当前完成值').inputValue(), '900');
	assert.equal(await tg.getByLabel('完成情况').inputValue(), '资金已拨付900万元');
	assert.equal(await tg.getByLabel('取得成效').inputValue(), '按时足额发放');
	assert.match(await tg.locator('.t-now').innerText(), /850万元/);
	await assertAccessible(page, 'the conflict');
	await shoot(page, 'task-conflict');

	await tg.getByRole('button', { name: '在最新内容上重新提交我的修改' }).click();
	await tg.getByRole('status').filter({ hasText: '已保存' }).waitFor();
	assert.equal(await box.isHidden(), true);
	assert.equal(site.query(`SELECT current || '|' || note || '|' || outcome || '|' || version
	    FROM target WHERE id = ${ids.funds}`), '900|资金已拨付900万元|按时足额发放|3');
});

test('a validation error points at its field', async () => {
	const page = users.office;
	await page.goto(`${site.url}/task.html?id=${ids.task6}`);
	const ms = page.locator('li.ms', { hasText: '完成时限' });
	await ms.getByText('更新节点').click();
	await ms.getByLabel('状态').selectOption({ label: '已完成' });
	const date = ms.getByLabel('完成日期');
	assert.equal(await date.inputValue(), '2012-09-20', 'today, by the server\'s clock');
	await date.fill('2012-10-08');
	await ms.getByRole('button', { name: '保存' }).click();
	await ms.getByText('完成日期不能晚于今天').waitFor();
	assert.equal(await date.getAttribute('aria-invalid'), 'true');
	const described = await date.getAttribute('aria-describedby');
	const message = await page.evaluate((ids) => ids.split(' ').map((i) =>
	    document.getElementById(i).textContent).join(' '), described);
	assert.match(message, /完成日期 2012-10-08 晚于今天 2012-09-20/);
	assert.equal(await page.evaluate(() => document.activeElement.type), 'date');
	await assertAccessible(page, 'a field in error');
	assert.equal(site.query(`SELECT count(*) FROM progress WHERE milestone_id = ${ids.deadline6}`), '0');
});

test('an inspector reads the quarterly report in a frame and gets it as files', async () => {
	const page = await newPage('inspector');
	assert.ok(page.url().endsWith('/index.html'));
	await page.locator('.who-name').waitFor();	// the header knows who it is
	assert.equal(await page.getByRole('link', { name: '我的任务' }).isVisible(), false);
	await page.getByRole('link', { name: '报告' }).click();
	await page.waitForURL(/reports\.html/);
	assert.equal(await page.getByLabel('季度', { exact: true }).inputValue(), '2012Q3');
	const frame = page.frameLocator('iframe.report-frame');
	await frame.getByRole('heading', { name: '2012年第三季度民生实事督查报告' }).waitFor();
	// 类别 (the task's section) always; 监督电话 only when a task has one.
	await frame.getByRole('columnheader', { name: '类别', exact: true }).waitFor();
	assert.equal(await frame.getByRole('cell', { name: '具体实事安排', exact: true }).count(), 12);
	assert.equal(await frame.getByRole('columnheader', { name: '监督电话' }).count(), 0);
	await page.getByText('报告已生成').waitFor();
	const xlsx = await page.getByRole('link', { name: 'Excel 表格（XLSX）' }).getAttribute('href');
	assert.match(xlsx, /format=xlsx/);
	assert.match(xlsx, /plan=jilin-2012/);
	assert.match(xlsx, /quarter=2012Q3/);
	const got = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { status: r.status, type: r.headers.get('Content-Type'), size: (await r.arrayBuffer()).byteLength };
	}, xlsx);
	assert.equal(got.status, 200);
	assert.match(got.type, /spreadsheetml/);
	assert.ok(got.size > 1000);
	assert.match(await page.getByRole('link', { name: 'CSV：任务' }).getAttribute('href'), /format=csv&view=tasks/);
	await assertAccessible(page, '报告');
	await shoot(page, 'reports');
	await page.context().close();
});

test('a 批示 from the general office reaches the lead office\'s 待办; the office signs for its task', async () => {
	const general = users.general;
	await general.goto(`${site.url}/task.html?id=${ids.task1}`);
	const panel = general.getByRole('region', { name: '签收和批示' });
	await panel.waitFor();
	assert.match(await panel.innerText(), /财务审计处（牵头）：\s*未签收/);
	await panel.getByLabel('批示内容').fill('请抓紧落实资助资金，确保按时足额发放。');
	await panel.getByRole('button', { name: '作出批示' }).click();
	await panel.getByText('批示已送达牵头处室。').waitFor();
	await panel.getByText('请抓紧落实资助资金，确保按时足额发放。').waitFor();
	await assertAccessible(general, 'task with 批示');
	await shoot(general, 'task-instructions');

	// The office: the count in the header, the 待办 at the top of 我的任务.
	const page = users.office;
	await page.goto(`${site.url}/mine.html`);
	const todo = page.getByRole('region', { name: /^待办/ });
	await todo.waitFor();
	const count = Number(await page.locator('#todo-count').innerText());
	assert.ok(count >= 2, `待办 ${count}`);
	assert.equal(await page.locator('#todo-link').getAttribute('aria-label'), `待办 ${count} 项`);
	await todo.getByText('请抓紧落实资助资金，确保按时足额发放。').waitFor();
	await assertAccessible(page, 'mine with 待办');
	await shoot(page, 'todo');
	await todo.getByRole('button', { name: /^已阅/ }).click();
	await todo.getByText('已办理。').waitFor();
	await todo.getByRole('button', { name: new RegExp(`^签收 .*${site.query(`SELECT title FROM task WHERE id = ${ids.task1}`)}`) }).click();
	await todo.getByText(/^已签收：/).waitFor();
	await page.waitForFunction((n) => Number(document.querySelector('#todo-count').textContent) === n - 2, count);
	assert.equal(site.query(`SELECT acknowledged_by FROM assignment a JOIN office o ON o.id = a.office_id
	    WHERE a.task_id = ${ids.task1} AND o.name = '${OFFICE}'`), OFFICE);

	// The task's page says who signed, and its history has both steps.
	await page.goto(`${site.url}/task.html?id=${ids.task1}`);
	const p2 = page.getByRole('region', { name: '签收和批示' });
	await p2.waitFor();
	assert.match(await p2.innerText(), /财务审计处（牵头）：财务审计处 于 \d{4}-\d\d-\d\d 签收/);
	assert.match(await p2.innerText(), /财务审计处已阅/);
	const hist = await page.getByRole('table', { name: /进展记录/ }).innerText();
	assert.match(hist, /财务审计处签收/);
	assert.match(hist, /批示：请抓紧落实资助资金/);
});

test('signing out ends the session', async () => {
	const page = users.office;
	await page.goto(`${site.url}/mine.html`);
	await page.locator('article.task-card').first().waitFor();
	await Promise.all([
		page.waitForURL(/login\.html$/),
		page.getByRole('button', { name: '退出' }).click(),
	]);
	assert.equal(await page.evaluate(async () => (await fetch('/api/v1/session')).status), 401);
	await page.goto(`${site.url}/mine.html`);
	await page.waitForURL(/login\.html\?next=mine\.html/);
	await page.context().close();
	await users.general.context().close();
});

test('a lead office asks for more time on its task page; the general office approves it', async () => {
	const page = await newPage(OFFICE);
	await page.goto(`${site.url}/task.html?id=${ids.task6}`);
	const ms = page.locator('li.ms', { hasText: '完成时限' });
	await ms.getByText('申请延期').click();
	// Nothing filled in: the server's words, at the field they name.
	await ms.getByRole('button', { name: '提交延期申请' }).click();
	await ms.locator('.field-error').filter({ hasText: '缺少延期后的日期' }).waitFor();
	assert.equal(await ms.getByLabel('延期至').getAttribute('aria-invalid'), 'true');
	await ms.getByLabel('延期至').fill('2013-01-31');
	await ms.getByLabel('理由（必填）').fill('年底资金拨付未到位');
	await assertAccessible(page, '申请延期');
	await ms.getByRole('button', { name: '提交延期申请' }).click();
	await page.locator('li.ms .ext-pending').waitFor();
	assert.match(await page.locator('li.ms .ext-pending').innerText(), /待审批[\s\S]*2013年1月31日[\s\S]*年底资金拨付未到位/);
	assert.equal(await page.getByText('审批延期申请').count(), 0, 'an office does not decide');
	await page.context().close();

	const gen = await newPage('general');
	await gen.goto(`${site.url}/task.html?id=${ids.task6}`);
	const gms = gen.locator('li.ms', { hasText: '完成时限' });
	await gms.getByText('审批延期申请').click();
	await gms.getByRole('button', { name: '批准延期' }).click();
	await gms.locator('.field-error').filter({ hasText: '缺少理由' }).waitFor();
	await gms.getByLabel('审批意见（必填）').fill('同意延期至2013年1月');
	await assertAccessible(gen, '审批延期申请');
	await gms.getByRole('button', { name: '批准延期' }).click();
	await gen.locator('li.ms .ext-done').waitFor();
	assert.match(await gen.locator('li.ms .ext-done').innerText(), /已延期（原定 2012年12月31日）/);
	assert.match(await gen.locator('li.ms .ms-date').first().innerText(), /2013-01-31/);
	assert.equal(site.query(`SELECT due_on || '|' || original_due_on || '|' || extensions
	    FROM milestone WHERE id = ${ids.deadline6}`), '2013-01-31|2012-12-31|1');
	await gen.context().close();
});

test('the general office enters a 督办事项 in the form; it is in the year\'s list and opens its task', async () => {
	const page = await newPage('general');
	await page.goto(`${site.url}/jiaoban.html`);
	await page.getByRole('heading', { name: '交办督办事项' }).waitFor();
	assert.match(await mainText(page), /2012年还没有交办督办事项/);
	const form = page.locator('#create-form');
	await form.getByLabel('事项名称').fill('开展中小学校舍安全隐患排查');
	await form.getByLabel('督办依据类别').selectOption({ label: '领导批示' });
	await form.getByLabel('督办依据', { exact: true }).fill('于海波副局长2012年9月18日批示');
	await form.getByLabel('牵头处室').selectOption({ label: '学校安全处' });
	await form.getByLabel('牵头人（可选）').fill('张明');
	await form.getByLabel('汇报频次').selectOption({ label: '每周' });
	await form.getByRole('checkbox', { name: '教育基建办公室' }).check();
	await form.getByRole('checkbox', { name: '于海波' }).check();
	// A date already past: the server's problem, shown at its field.
	await form.getByLabel('完成时限').fill('2012-09-01');
	await form.getByRole('button', { name: '交办' }).click();
	await form.locator('#deadline-err').waitFor();
	assert.match(await form.locator('#deadline-err').innerText(), /完成时限已过/);
	assert.equal(await form.getByLabel('完成时限').getAttribute('aria-invalid'), 'true');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'deadline');
	await assertAccessible(page, '督办事项表单的错误');
	assert.equal(site.query("SELECT count(*) FROM plan WHERE origin = 'jiaoban'"), '0');
	// Keyboard: type the date, submit with Enter from a field.
	await form.getByLabel('完成时限').fill('2012-12-31');
	await form.getByLabel('事项名称').press('Enter');
	await page.waitForURL((u) => u.searchParams.has('created'));
	await page.getByRole('status').filter({ hasText: '已交办' }).waitFor();
	const row = page.locator('table tbody tr', { hasText: '开展中小学校舍安全隐患排查' });
	assert.match(await row.innerText(), /督办〔2012〕1号[\s\S]*领导批示[\s\S]*学校安全处[\s\S]*于海波[\s\S]*2012-12-31[\s\S]*每周[\s\S]*未签收/);
	assert.equal(site.query(`SELECT o.name FROM assignment a JOIN office o ON o.id = a.office_id
	    JOIN task t ON t.id = a.task_id WHERE t.label = '督办〔2012〕1号'`), '学校安全处');
	await assertAccessible(page, '督办事项');
	await page.setViewportSize(PHONE);
	await assertAccessible(page, '督办事项（手机）');
	await screenshot(page, 'jiaoban');
	await page.setViewportSize(DESKTOP);
	await screenshot(page, 'jiaoban');
	await row.getByRole('link', { name: '开展中小学校舍安全隐患排查' }).click();
	await page.waitForURL(/task\.html\?id=\d+/);
	await page.getByRole('heading', { name: '进展记录' }).waitFor();
	assert.match(await mainText(page), /开展中小学校舍安全隐患排查/);
	await page.context().close();

	// An office reads the list; it has no form.
	const office = await newPage(OFFICE);
	await office.goto(`${site.url}/jiaoban.html`);
	await office.locator('table tbody tr').first().waitFor();
	assert.equal(await office.getByRole('heading', { name: '交办督办事项' }).count(), 0);
	await assertAccessible(office, '督办事项（处室）');
	await office.context().close();
});

test('on 1 December without next year\'s notice the 总览 says so, until it is loaded', async () => {
	const dec = await startSite({ now: '2026-12-01T09:00+08:00' });
	try {
		const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const page = await ctx.newPage();
		page.on('pageerror', (e) => pageErrors.push(`calendar: ${e.message}`));
		await signIn(page, dec, dec.tokens.general);
		await page.goto(`${dec.url}/index.html`);
		const warning = page.getByRole('region', { name: '工作日历缺少节假日安排' });
		await warning.waitFor();
		assert.match(await warning.innerText(), /2027 年节假日安排尚未导入.*2027 年的提醒只按周末计算.*duban calendar load/s);
		await assertAccessible(page, '总览 with the calendar warning');
		dec.cli(['calendar', 'load', `${process.env.DUBAN_SOURCE_DIR}/tests/fixtures/calendar/test-2027.yaml`]);
		await page.reload();
		await page.locator('#ov-body .tiles').waitFor();
		assert.equal(await page.locator('#calendar-missing').count(), 0);
		await ctx.close();
	} finally {
		await dec.stop();
	}
});

test('考核: the general office sees each office\'s score and lines, and enters a 领导评价', async () => {
	site.cli(['assess', 'load', `${process.env.DUBAN_SOURCE_DIR}/plans/assess/default.yaml`],
	    { DUBAN_NOW: '2012-01-02T09:00+08:00' });
	const page = await newPage('general');
	await page.goto(`${site.url}/assess.html?year=2012`);
	const totals = page.getByRole('region', { name: '考核汇总表' });
	await totals.waitFor();
	assert.match(await totals.innerText(), /人事处/);
	assert.equal(await page.getByRole('navigation', { name: '主导航' })
	    .locator('[aria-current="page"]').innerText(), '考核');
	await page.getByLabel('处室').selectOption('人事处');
	await page.getByLabel(/^分值/).fill('18');
	await page.getByLabel('评价说明').fill('工作扎实');
	await page.getByRole('button', { name: '录入' }).click();
	await page.getByRole('region', { name: '人事处评分明细' }).getByText('领导评价').waitFor();
	await assertAccessible(page, '考核');
	await shoot(page, 'assess');
});

test('no script errors on any page', () => {
	assert.deepEqual(pageErrors, []);
});
