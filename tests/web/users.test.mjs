// 账号管理 in a real browser: the general office (a person) makes a clerk's
// account in the form and sees its one-time password once; a field's
// error is shown at the field (a clerk without an office; a login in
// use, named by the server); the clerk signs in with it elsewhere and is
// asked to change it; the general office disables the account (the
// clerk's open session is refused at once), enables it again and resets
// the password (a new one-time password).  An administrator sees the
// page too; an inspector's token neither the link nor the accounts.
// axe at both sizes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startSite, startBrowser, signIn, signInPassword, axeSerious, screenshot, DESKTOP, PHONE,
} from './harness.mjs';

const PW = 'Jilin-Edu-2012-pw';
const CLERK_PW = 'Chenwei-2012-ok';
let site, browser;
const pageErrors = [];

async function newPage(permissions = []) {
	const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
	    permissions });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => pageErrors.push(e.message));
	return page;
}

async function assertAccessible(page, what) {
	for (const size of [DESKTOP, PHONE]) {
		await page.setViewportSize(size);
		const v = await axeSerious(page);
		assert.deepEqual(v, [], `${what} at ${size.width}: ${JSON.stringify(v, null, 1)}`);
	}
	await page.setViewportSize(DESKTOP);
}

const row = (page, login) => page.locator(`#users tr[data-login="${login}"]`);
const rowText = async (page, login) => (await row(page, login).innerText()).replace(/\s+/g, ' ');
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// Signs in with a one-time password: the login page asks for a new one.
async function firstSignIn(page, login, onetime) {
	await page.goto(`${site.url}/login.html`);
	await page.getByLabel('登录名').fill(login);
	await page.getByLabel('密码', { exact: true }).fill(onetime);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await page.getByRole('heading', { name: '请修改密码' }).waitFor();
	await page.getByLabel('新密码', { exact: true }).fill(CLERK_PW);
	await page.getByLabel('再次输入新密码').fill(CLERK_PW);
	await Promise.all([
		page.waitForURL(/mine\.html/),
		page.getByRole('button', { name: '修改密码并进入' }).click(),
	]);
}

before(async () => {
	site = await startSite({ now: '2012-09-20T09:00+08:00' });
	browser = await startBrowser();
	site.person('sunmei', '孙梅', '局办公室', 'general', PW);
	site.person('zhouadmin', '周管理', null, 'admin', PW);
});

after(async () => {
	await browser?.close();
	await site?.stop();
	assert.deepEqual(pageErrors, []);
});

test('the general office makes, disables, enables and resets a clerk\'s account', async () => {
	const general = await newPage(['clipboard-read', 'clipboard-write']);
	await signInPassword(general, site, 'sunmei', PW);
	const link = general.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '账号管理' });
	await Promise.all([general.waitForURL(/users\.html/), link.click()]);
	assert.equal(await link.getAttribute('aria-current'), 'page');
	await general.getByRole('heading', { name: '本局账号' }).waitFor();
	assert.match(await rowText(general, 'sunmei'), /孙梅 局办公室 局办公室督办员 正常 .*本人账号/);

	// A clerk without an office: refused at the field, before sending.
	const form = general.locator('#create-form');
	await form.getByLabel('登录名').fill('chenwei');
	await form.getByLabel('姓名').fill('陈伟');
	await form.getByLabel('角色').selectOption({ label: '经办人' });
	await form.getByRole('button', { name: '创建账号' }).click();
	const office = form.getByLabel('所属处室');
	assert.equal(await office.getAttribute('aria-invalid'), 'true');
	assert.equal(await focusedId(general), 'new-office');
	assert.match(await form.locator('#new-office-err').innerText(), /经办人须选择所属处室/);

	// A login in use: the server names the field, the page shows it there.
	await form.getByLabel('登录名').fill('sunmei');
	await office.selectOption({ label: '财务审计处' });
	assert.equal(await office.getAttribute('aria-invalid'), null);
	await form.getByRole('button', { name: '创建账号' }).click();
	await form.locator('#new-login-err').getByText('登录名已被使用').waitFor();
	assert.equal(await form.getByLabel('登录名').getAttribute('aria-invalid'), 'true');
	assert.equal(await focusedId(general), 'new-login');
	assert.match(await form.getByLabel('登录名').getAttribute('aria-describedby'), /new-login-err/);
	await assertAccessible(general, '账号管理 with a field error');

	// Created: the one-time password, once, focused, with 复制.
	await form.getByLabel('登录名').fill('chenwei');
	await form.getByRole('button', { name: '创建账号' }).click();
	const box = general.getByRole('alert').filter({ hasText: '只显示这一次' });
	await box.waitFor();
	assert.equal(await focusedId(general), 'onetime');
	assert.match(await box.innerText(), /陈伟（chenwei）的一次性密码/);
	assert.match(await box.innerText(), /当面或以保密方式交给本人/);
	assert.match(await box.innerText(), /首次登录时须修改密码/);
	const first = (await box.locator('.onetime-pw').innerText()).trim();
	assert.ok(first.length >= 10, first);
	await box.getByRole('button', { name: '复制chenwei的一次性密码' }).click();
	await box.getByRole('status').filter({ hasText: /已复制|已选中/ }).waitFor();
	if ((await box.getByRole('status').innerText()).includes('已复制'))
		assert.equal(await general.evaluate(() => navigator.clipboard.readText()), first);
	assert.match(await rowText(general, 'chenwei'), /chenwei 陈伟 财务审计处 经办人 待首次修改密码 从未登录/);
	assert.equal(await general.locator('#f-office option', { hasText: '财务审计处' }).count(), 1);
	assert.equal(await form.getByLabel('登录名').inputValue(), '');
	assert.equal(site.query("SELECT must_change FROM account WHERE login = 'chenwei'"), 't');
	await assertAccessible(general, '账号管理 with a one-time password');
	await screenshot(general, 'users');
	await general.setViewportSize(PHONE);
	await screenshot(general, 'users');
	await general.setViewportSize(DESKTOP);
	// Once: gone when the page is loaded again.
	await general.reload();
	await row(general, 'chenwei').waitFor();
	assert.equal(await general.locator('#onetime').count(), 0);
	assert.ok(!(await general.locator('body').innerText()).includes(first));

	// Filters: 角色, 处室 and the search.
	const rows = general.locator('#users tbody tr');
	await general.getByLabel('角色', { exact: true }).first().selectOption({ label: '经办人' });
	assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.dataset.login)), ['chenwei']);
	await general.getByLabel('角色', { exact: true }).first().selectOption({ label: '全部角色' });
	await general.getByLabel('处室', { exact: true }).selectOption({ label: '局办公室' });
	assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.dataset.login)), ['sunmei']);
	await general.getByLabel('处室', { exact: true }).selectOption({ label: '全部处室' });
	await general.getByLabel('搜索登录名或姓名').fill('陈');
	assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.dataset.login)), ['chenwei']);
	assert.match(await general.locator('#users-count').innerText(), /符合条件的账号 1 个（共 3 个）/);
	await general.getByLabel('搜索登录名或姓名').fill('');

	// The clerk signs in elsewhere with it and must change it first.
	const clerk = await newPage();
	await firstSignIn(clerk, 'chenwei', first);
	await clerk.locator('#who .who-name').getByText('陈伟').waitFor();
	assert.equal(await clerk.getByRole('link', { name: '账号管理' }).count(), 0);

	// Disabled, by keyboard, with its question: the clerk's open
	// session is refused at once.
	await general.reload();
	assert.match(await rowText(general, 'chenwei'), /正常 2012-09-20 09:00/);
	await row(general, 'chenwei').getByRole('button', { name: '停用陈伟（chenwei）' }).focus();
	await general.keyboard.press('Enter');
	const question = row(general, 'chenwei').getByRole('group');
	await question.getByText('停用后其登录会话和令牌立即失效').waitFor();
	assert.equal(await general.evaluate(() => document.activeElement.textContent), '确认停用');
	await general.keyboard.press('Enter');
	await general.locator('#users-said').getByText('已停用陈伟（chenwei）的账号').waitFor();
	assert.match(await rowText(general, 'chenwei'), /已停用/);
	assert.equal(await general.evaluate(() => document.activeElement.textContent), '启用');
	await clerk.reload();
	await clerk.waitForURL(/login\.html/);

	// Enabled again: the clerk signs in with the password he set.
	await row(general, 'chenwei').getByRole('button', { name: '启用陈伟（chenwei）' }).click();
	await general.locator('#users-said').getByText('已启用陈伟（chenwei）的账号').waitFor();
	assert.match(await rowText(general, 'chenwei'), / 正常 /);
	await signInPassword(clerk, site, 'chenwei', CLERK_PW);
	await clerk.waitForURL(/mine\.html/);

	// Reset: a new one-time password, the session ends, the next
	// sign-in changes it.
	// Esc takes the question back.
	const resetButton = row(general, 'chenwei').getByRole('button', { name: '重置密码陈伟（chenwei）' });
	await resetButton.click();
	await row(general, 'chenwei').getByRole('group').getByText('登录会话立即失效').waitFor();
	await general.keyboard.press('Escape');
	assert.equal(await row(general, 'chenwei').getByRole('group').count(), 0);
	assert.equal(await resetButton.evaluate((b) => b === document.activeElement), true);
	await resetButton.click();
	await row(general, 'chenwei').getByRole('button', { name: '确认重置' }).click();
	const again = general.getByRole('alert').filter({ hasText: '新的一次性密码' });
	await again.waitFor();
	const second = (await again.locator('.onetime-pw').innerText()).trim();
	assert.notEqual(second, first);
	assert.match(await rowText(general, 'chenwei'), /待首次修改密码/);
	await again.getByRole('button', { name: '已记下，关闭' }).click();
	assert.equal(await general.locator('#onetime').count(), 0);
	await clerk.reload();
	await clerk.waitForURL(/login\.html/);
	await firstSignIn(clerk, 'chenwei', second);
	await assertAccessible(general, '账号管理 after the changes');
	await clerk.context().close();
	await general.context().close();
});

test('an administrator manages accounts too; an inspector is refused', async () => {
	const admin = await newPage();
	await signInPassword(admin, site, 'zhouadmin', PW);
	await admin.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '账号管理' }).click();
	await row(admin, 'sunmei').waitFor();
	await admin.context().close();

	const inspector = await newPage();
	await signIn(inspector, site, site.tokens.inspector);
	await inspector.locator('#who .who-name').waitFor();
	assert.equal(await inspector.getByRole('link', { name: '账号管理' }).count(), 0);
	await inspector.goto(`${site.url}/users.html`);
	await inspector.getByRole('alert').getByText('无权查看').waitFor();
	assert.match(await inspector.getByRole('alert').innerText(), /账号只能由局办公室或系统管理员管理/);
	assert.equal(await inspector.locator('#users').count(), 0);
	await assertAccessible(inspector, '账号管理 refused');
	await inspector.context().close();
});
