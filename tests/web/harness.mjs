// The browser tests' harness: a fresh database in the suite's own
// PostgreSQL cluster (copied from a snapshot made from the migrated
// template, as the C tests do), the Jilin 2012 plan and the calendar
// loaded with the real CLI, tokens made with the CLI, a real duband
// serving the pages, and Debian's Chromium driven by Playwright.
// Nothing is mocked.
//
// Environment (set by CTest, see tests/CMakeLists.txt):
//   DUBAN_TEST_CONNINFO  file holding the cluster's conninfo
//   DUBAN_CLI, DUBAN_DAEMON, DUBAN_SOURCE_DIR, DUBAN_SCREENSHOTS

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name) => {
	const v = process.env[name];
	if (!v)
		throw new Error(`${name} is not set: run the browser tests with ctest`);
	return v;
};

export const SOURCE = env('DUBAN_SOURCE_DIR');
export const SCREENSHOTS = env('DUBAN_SCREENSHOTS');
const CLI = env('DUBAN_CLI');
const DAEMON = env('DUBAN_DAEMON');
const SERVER = readFileSync(env('DUBAN_TEST_CONNINFO'), 'utf8').trim();

let seq = 0;

function cli(db, args, extraEnv = {}, input = undefined) {
	return execFileSync(CLI, args, {
		env: { ...process.env, DUBAN_DB: db, ...extraEnv },
		encoding: 'utf8',
		input,
	});
}

function psql(conninfo, sql) {
	return execFileSync('psql', [conninfo, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql],
	    { encoding: 'utf8' });
}

// duband listens on port 0 (the kernel picks the port, so no other
// process can take it first) and logs the address it got:
// "正在监听 http://127.0.0.1:PORT".
const LISTENING = /正在监听 (http:\/\/\S+)\r?\n/;

// Resolves with duband's address once it has logged it and says its
// database connection is up (its log, as systemd's READY=1 would): no
// polling, no sleeping; rejects after 60 s or if it exits.
function waitReady(child, log) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.off('exit', exited);
			reject(new Error(`duband not ready in 60 s: ${log()}`));
		}, 60000);
		const check = () => {
			const m = LISTENING.exec(log());
			if (m && log().includes('数据库连接就绪')) {
				clearTimeout(timer);
				child.stderr.off('data', check);
				child.stdout.off('data', check);
				child.off('exit', exited);
				resolve(m[1]);
			}
		};
		const exited = (code) => {
			clearTimeout(timer);
			reject(new Error(`duband exited ${code}: ${log()}`));
		};
		child.stderr.on('data', check);
		child.stdout.on('data', check);
		child.once('exit', exited);
		check();
	});
}

// The plans (and the calendar) loaded and the tokens made with the CLI,
// once per test file (node --test runs each file in a process of its
// own) and list of plans: a snapshot database each site copies
// (FILE_COPY, a fraction of a second) instead of loading and making them
// again.  Named after this process, so a crashed run's leftovers are
// never taken for ours; dropped when the process exits.
const snapshots = new Map();
const snapshotNames = [];

// Drops a database of ours if it is there, without a word if it is not.
function dropQuietly(name) {
	execFileSync('psql', [`${SERVER} dbname=postgres`, '-XAtq', '-v', 'ON_ERROR_STOP=1',
	    '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
	    { env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
}

function dropSnapshots() {
	for (const name of snapshotNames) {
		try {
			dropQuietly(name);
		} catch {
			// The cluster is gone already: nothing to drop.
		}
	}
}

function snapshot(plans) {
	const key = JSON.stringify(plans);
	const made = snapshots.get(key);
	if (made)
		return made;
	const name = `duban_websnap_${process.pid}_${snapshotNames.length + 1}`;
	if (snapshotNames.length === 0)
		process.once('exit', dropSnapshots);
	snapshotNames.push(name);
	dropQuietly(name);
	psql(`${SERVER} dbname=postgres`, `CREATE DATABASE ${name} TEMPLATE duban_template STRATEGY FILE_COPY`);
	const db = `${SERVER} dbname=${name}`;
	cli(db, ['plan', 'load', ...plans.map((p) => join(SOURCE, 'plans', `${p}.yaml`))]);
	cli(db, ['calendar', 'load', join(SOURCE, 'plans/calendar/cn-workdays.yaml')]);
	// Without an office, every organisation's (tenants have their own
	// test, tests/integration/test-tenants.c).
	const token = (role, office) => cli(db, ['token', 'create', '--quiet', '--role', role,
	    ...(office ? ['--office', office] : ['--org', '全部'])]).trim();
	const tokens = {
		general: token('general'),
		inspector: token('inspector'),
		财务审计处: token('office', '财务审计处'),
		发展规划处: token('office', '发展规划处'),
		职业与成人教育处: token('office', '职业与成人教育处'),
	};
	const snap = { name, tokens };
	snapshots.set(key, snap);
	return snap;
}

// A database with Jilin 2012 (and the calendar), its tokens, and duband
// serving the pages at `now` (DUBAN_NOW): a fresh copy of the snapshot
// for these plans.  Returns { url, db, tokens, query(sql), cli(args),
// stop() }.
export async function startSite({ now = '2012-09-20T09:00+08:00', plans = ['jilin-2012'] } = {}) {
	const snap = snapshot(plans);
	const name = `duban_web_${process.pid}_${++seq}`;
	psql(`${SERVER} dbname=postgres`, `CREATE DATABASE ${name} TEMPLATE ${snap.name} STRATEGY FILE_COPY`);
	const db = `${SERVER} dbname=${name}`;
	const tokens = { ...snap.tokens };
	let out = '';
	const child = spawn(DAEMON, ['--config', '/dev/null', '--listen', '127.0.0.1:0',
	    '--web', join(SOURCE, 'daemon/web')], {
		env: { ...process.env, DUBAN_DB: db, DUBAN_NOW: now },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout.on('data', (d) => { out += d; });
	child.stderr.on('data', (d) => { out += d; });
	let url;
	try {
		url = await waitReady(child, () => out);
	} catch (e) {
		child.kill('SIGKILL');
		throw e;
	}
	return {
		url, db, tokens,
		log: () => out,
		query: (sql) => psql(db, sql).trim(),
		cli: (args, extraEnv) => cli(db, args, extraEnv),
		// A person's account with a password they chose (no forced
		// change): `duban user create --password-stdin`; without an
		// office, of the one organisation there is.
		person: (login, name, office, role, password) => cli(db, ['user', 'create', '--login', login,
		    '--name', name, '--role', role, '--password-stdin', ...(office ? ['--office', office] : [])],
		    {}, `${password}\n`),
		async stop() {
			if (child.exitCode === null) {
				const done = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await done;
			}
			psql(`${SERVER} dbname=postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		},
	};
}

// Debian's Chromium, headless, in a UTF-8 locale: without one (a fresh
// machine's root has no LANG) it mangles the Chinese names of the files a
// test chooses (验收报告.pdf), as no person's browser would.
export async function startBrowser() {
	const utf8 = /utf-?8/i.test(process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || '');
	return chromium.launch({
		executablePath: process.env.DUBAN_CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
		env: utf8 ? process.env : { ...process.env, LC_ALL: 'C.UTF-8' },
	});
}

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

// Signs in on the login page with a token, as a clerk would (paste it,
// press the button); resolves when the page has moved on.
export async function signIn(page, site, token) {
	await page.goto(`${site.url}/login.html`);
	await page.getByText('用访问令牌登录').click();
	await page.getByLabel('访问令牌').fill(token);
	await Promise.all([
		page.waitForURL((u) => !u.pathname.endsWith('/login.html')),
		page.getByRole('button', { name: '用令牌登录' }).click(),
	]);
}

// Signs in on the login page with a login and password, as a person
// would; resolves when the page has moved on.
export async function signInPassword(page, site, login, password) {
	await page.goto(`${site.url}/login.html`);
	await page.getByLabel('登录名').fill(login);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await Promise.all([
		page.waitForURL((u) => !u.pathname.endsWith('/login.html')),
		page.getByRole('button', { name: '登录', exact: true }).click(),
	]);
}

// axe-core on the page; the violations rated serious or critical.
const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
export async function axeSerious(page) {
	// Once per document: the same page at another size keeps it.
	if (!await page.evaluate(() => typeof window.axe === 'object'))
		await page.evaluate(AXE);
	const result = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
		    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
	});
	return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// axe at the desktop's size and the phone's: no serious or critical
// violation, with a screenshot at each size when shot names one; back
// at the desktop's size after.
export async function assertAccessibleBoth(page, what, shot) {
	for (const size of [DESKTOP, PHONE]) {
		await page.setViewportSize(size);
		const v = await axeSerious(page);
		assert.deepEqual(v, [], `${what} at ${size.width}×${size.height}: ${JSON.stringify(v, null, 1)}`);
		if (shot)
			await screenshot(page, shot);
	}
	await page.setViewportSize(DESKTOP);
}

// A screenshot into DUBAN_SCREENSHOTS, named NAME-desktop.png or
// NAME-phone.png after the viewport: what the window shows, or the whole
// page with DUBAN_SCREENSHOTS_FULL=1 (three to four times as long: 0.6 to
// 0.9 s a page under ASan, which over the suite's eighty came to a minute).
const FULL = process.env.DUBAN_SCREENSHOTS_FULL === '1';
export async function screenshot(page, name) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const { width } = page.viewportSize();
	await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width < 800 ? 'phone' : 'desktop'}.png`),
	    fullPage: FULL });
}
