// What every page shares: the session (and its CSRF secret, kept in
// memory only), the words users read, calls to the API, the header, DOM
// building (text only: nothing from the API ever goes through innerHTML)
// and formatting.

let csrf = null;

// ---------------------------------------------------------------- words

// The words users read for the codes the API carries, from the server's
// one table (GET /api/v1/words, lib/base/words.c): {task_status: {done:
// '已完成', ...}, milestone_status: {...}, ...}.  Loaded by boot(), before
// a page renders anything.
let WORDS = {};

// The word for a code in a vocabulary; the code itself when the table has
// none (a code newer than the table reads as itself rather than vanish).
export function word(vocab, code) {
	const v = WORDS[vocab];
	return v && Object.hasOwn(v, code) ? v[code] : code;
}

// A vocabulary's codes and words, in the table's order: [[code, word], ...].
export function words(vocab) {
	return Object.entries(WORDS[vocab] || {});
}

// ---------------------------------------------------------------- DOM

// h('a', {href: x, class: 'y', onclick: f}, 'text', child, [more]) — strings
// become text nodes; null, undefined and false are skipped.
export function h(tag, props, ...kids) {
	const el = document.createElement(tag);
	setProps(el, props);
	append(el, kids);
	return el;
}

const SVGNS = 'http://www.w3.org/2000/svg';
export function svg(tag, props, ...kids) {
	const el = document.createElementNS(SVGNS, tag);
	setProps(el, props);
	append(el, kids);
	return el;
}

function setProps(el, props) {
	for (const [k, v] of Object.entries(props || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'text')
			el.textContent = v;
		else if (k === 'value' && 'value' in el && el.namespaceURI !== SVGNS)
			el.value = v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
}

export function append(el, kids) {
	for (const k of kids.flat(Infinity)) {
		if (k === null || k === undefined || k === false)
			continue;
		el.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
	return el;
}

export function clear(el) {
	while (el.firstChild)
		el.firstChild.remove();
	return el;
}

export function $(sel, root = document) { return root.querySelector(sel); }

let uid = 0;
export function newId(prefix) { return `${prefix}-${++uid}`; }

export function badge(kind, text) { return h('span', { class: `badge ${kind}` }, text); }
export function statusBadge(s) { return badge(s, word('task_status', s)); }
// 红黄绿灯 with its word (绿灯, 黄灯…): never the colour alone.
export function lightBadge(l) { return h('span', { class: `light ${l}` }, word('light', l)); }

// A region that scrolls sideways on a narrow screen, named for readers.
export function scrollRegion(label, table) {
	return [h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, '← 左右滑动查看更多列 →'),
	    h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table)];
}

// A table: cols [{label, class}], rows of cells made by the caller.
export function table(cols, rows, { className = '', caption } = {}) {
	return h('table', { class: className },
	    caption ? h('caption', { class: 'sr-only' }, caption) : null,
	    h('thead', {}, h('tr', {}, cols.map((c) =>
		h('th', { scope: 'col', class: c.class || null }, c.label)))),
	    rows instanceof HTMLTableSectionElement ? rows : h('tbody', {}, rows));
}

// A cell carrying its column's heading, for the stacked layout on phones.
export function td(label, content, cls) {
	return h('td', { 'data-label': label, class: cls || null }, h('div', {}, content));
}

// ---------------------------------------------------------------- API

export class ApiError extends Error {
	constructor(status, problem) {
		const p = problem && typeof problem === 'object' ? problem : {};
		super(p.title || `请求失败（${status}）`);
		this.status = status;
		this.problem = p;
	}
}

export function problemText(e) {
	const p = e.problem || {};
	if (p.title && p.detail)
		return `${p.title}：${p.detail}`;
	return p.title || p.detail || e.message || '请求失败';
}

export function toLogin() {
	const here = location.pathname.replace(/^.*\//, '') + location.search;
	const next = /^(index|task|mine|jiaoban|dispatch|notice|reports|users|plans)\.html/.test(here) ? `?next=${encodeURIComponent(here)}` : '';
	location.replace(`login.html${next}`);
}

// fetch() with the session cookie; the CSRF secret on every write.
// raw (a Blob, e.g. a File) is sent as the body itself, as contentType.
// Resolves with the JSON (or null for 204); rejects with ApiError.  A 401
// sends the browser to the login page, unless allow401 (a form whose
// text must not be lost says so instead).  A write refused for its CSRF
// secret (signed in again in another tab) fetches the new one and is
// sent once more.
export async function api(path, opts = {}) {
	const { method = 'GET', body, raw, contentType, ifMatch, allow401 = false, retried = false } = opts;
	const secret = opts.csrf || csrf;	// the login page has no boot()
	const headers = { Accept: 'application/json' };
	if (raw !== undefined)
		headers['Content-Type'] = contentType || 'application/octet-stream';
	else if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	if (method !== 'GET' && method !== 'HEAD' && secret)
		headers['X-CSRF-Token'] = secret;
	// Each write carries a key of its own (Idempotency-Key): were it sent
	// again, duband would answer it once.  Uploads stream; they have none.
	let key = opts.idempotencyKey;
	if (method !== 'GET' && method !== 'HEAD' && raw === undefined) {
		if (!key) {
			const b = new Uint8Array(16);
			crypto.getRandomValues(b);
			key = 'web_' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
		}
		headers['Idempotency-Key'] = key;
	}
	if (ifMatch !== undefined && ifMatch !== null)
		headers['If-Match'] = `"${ifMatch}"`;
	let res;
	try {
		res = await fetch(path, {
			method, headers, credentials: 'same-origin', cache: 'no-store',
			body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
		});
	} catch {
		throw new ApiError(0, { title: '无法连接服务器', detail: '请检查网络连接后重试' });
	}
	if (res.status === 403 && method !== 'GET' && !retried) {
		const p = await res.clone().json().catch(() => null);
		if (p && typeof p.detail === 'string' && p.detail.includes('X-CSRF-Token')) {
			const s = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' })
			    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
			if (s && s.csrf && s.csrf !== csrf) {
				csrf = s.csrf;
				return api(path, { ...opts, retried: true });	// refused before it ran: a new key
			}
		}
	}
	if (res.status === 401 && !allow401) {
		toLogin();
		return new Promise(() => {});	// the page is going away
	}
	const ct = res.headers.get('Content-Type') || '';
	let data = null;
	if (res.status !== 204)
		data = ct.includes('json') ? await res.json().catch(() => null) : await res.text();
	if (!res.ok)
		throw new ApiError(res.status, data);
	return data;
}

export function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) {
		for (const x of Array.isArray(v) ? v : [v])
			if (x !== null && x !== undefined && x !== '')
				q.append(k, x);
	}
	const s = q.toString();
	return s ? `?${s}` : '';
}

// ---------------------------------------------------------------- session

// Every page but the login page starts here: who is signed in (or off to
// the login page), the words loaded, the header filled in, the CSRF
// secret remembered.
export async function boot() {
	let s;
	try {
		[s, WORDS] = await Promise.all([api('/api/v1/session'), api('/api/v1/words')]);
	} catch (e) {
		showFatal(e);
		throw e;
	}
	csrf = s.csrf;
	if (s.must_change) {
		// Nothing else answers until the password is changed.
		location.replace('login.html?change=1');
		return new Promise(() => {});
	}
	const who = $('#who');
	if (who) {
		const name = s.label || s.office || word('account_role', s.role);
		let tag = s.role === 'office' ? (s.office && s.office !== name ? s.office : word('account_role', 'office')) :
		    word('account_role', s.role);
		if (s.person_role)	// a person: their office and part in it
			tag = [s.office, word('person_role', s.person_role)].filter(Boolean).join(' · ');
		else if (s.role !== 'office' && name.includes(tag))
			tag = null;
		clear(who);
		append(who, [h('span', { class: 'who-name' }, name),
		    tag ? h('span', { class: 'role-tag' }, tag) : null]);
	}
	// data-for names token roles (office, general, inspector) and a
	// person's roles (admin, ...): an item shows to either.
	const mine = [s.role, s.person_role].filter(Boolean);
	for (const li of document.querySelectorAll('[data-for]'))
		li.hidden = !li.dataset.for.split(' ').some((r) => mine.includes(r));
	refreshTodo();
	const out = $('#signout');
	if (out)
		out.addEventListener('click', signOut);
	return s;
}

// The 待办 count in the header; quietly nothing if it cannot be had.
export async function refreshTodo() {
	const link = $('#todo-link');
	if (!link)
		return null;
	try {
		const t = await api('/api/v1/todo');
		$('#todo-count').textContent = t.count;
		link.setAttribute('aria-label', `待办 ${t.count} 项`);
		link.hidden = false;
		return t;
	} catch {
		return null;
	}
}

export async function signOut() {
	const btn = $('#signout');
	if (btn)
		btn.disabled = true;
	try {
		await api('/api/v1/session', { method: 'DELETE', allow401: true });
	} catch {
		// Signed out already, or the server is away: the login page either way.
	}
	csrf = null;
	location.replace('login.html');
}

export function showFatal(e) {
	const app = $('#app');
	if (!app)
		return;
	clear(app);
	// Refused (403): reloading will not help.
	app.append(h('div', { class: 'alert', role: 'alert' },
	    h('strong', {}, e.status === 403 ? '无权查看：' : '无法加载：'),
	    e.status === 403 && e.problem.detail ? e.problem.detail : problemText(e),
	    e.status === 403 ? null : [' ', h('a', { href: location.href }, '重新加载')]));
}

// ---------------------------------------------------------------- formatting

const numFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
export function fmtNum(x) {
	if (x === null || x === undefined || x === '')
		return '—';
	const n = Number(x);
	return Number.isFinite(n) ? numFmt.format(n) : String(x);
}

// A share 0..1 as a percentage with `digits` decimals, rounded half up
// (四舍五入) on its decimal value as lib/base/percent.c rounds it, so that
// a page reads as the report: 0.6635 is 66.4%, 1 is 100.0%.  The number's decimal text (what the server
// sent) is rounded, not its binary value (0.6635 * 1000 is 663.4999…).
export function pct(x, digits = 1) {
	if (x === null || x === undefined || x === '' || !Number.isFinite(Number(x)))
		return '—';
	const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(Number(x)));
	if (m === null)
		return '—';
	const frac = m[3] || '';
	const all = (m[2] + frac).replace(/^0+/, '');
	// The value is all × 10^exp in units of 10^-digits percent.
	const exp = Number(m[4] || 0) - frac.length + 2 + digits;
	let t = 0n;
	if (all !== '' && exp >= 0)
		t = BigInt(all + '0'.repeat(exp));
	else if (all !== '') {
		const keep = all.length + exp;
		t = BigInt(keep > 0 ? all.slice(0, keep) : '0') + (keep >= 0 && all[keep] >= '5' ? 1n : 0n);
	}
	const unit = 10n ** BigInt(digits);
	const dec = digits > 0 ? '.' + String(t % unit).padStart(digits, '0') : '';
	return `${m[1] === '-' && t > 0n ? '-' : ''}${t / unit}${dec}%`;
}

const timeFmt = new Intl.DateTimeFormat('zh-CN', {
	timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
	hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
// "2012-09-20 09:00", Beijing time.
export function fmtTime(iso) {
	if (!iso)
		return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return iso;
	const p = Object.fromEntries(timeFmt.formatToParts(d).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// Days since 1970 of a YYYY-MM-DD date: plain calendar arithmetic, no
// time zones (the server says what today is).
export function dayNum(ymd) {
	const [y, m, d] = ymd.slice(0, 10).split('-').map(Number);
	return Date.UTC(y, m - 1, d) / 864e5;
}
export function addDays(ymd, n) {
	return new Date((dayNum(ymd) + n) * 864e5).toISOString().slice(0, 10);
}

// "8,000名以上", "不低于95%": the qualifier's pattern from the server.
export function fmtRequired(g) {
	const v = `${fmtNum(g.value)}${g.unit || ''}`;
	const pattern = g.qualifier ? word('qualifier', g.qualifier) : '%s';
	return pattern.includes('%s') ? pattern.replace('%s', v) : v;
}
export function withUnit(x, unit) {
	return x === null || x === undefined ? '未填报' : `${fmtNum(x)}${unit || ''}`;
}

// A progress bar: completion (0..1) with a marker at the share of time
// passed.  SVG attributes, not style, so the page's CSP holds.
export function progressBar(done, timeShare, status, cls = 'bar') {
	const w = Math.max(0, Math.min(1, done || 0)) * 100;
	const label = `完成 ${pct(done)}` + (timeShare !== null && timeShare !== undefined ?
	    `，时间进度 ${pct(timeShare)}` : '');
	return svg('svg', { class: cls, viewBox: '0 0 100 12', preserveAspectRatio: 'none', role: 'img',
	    'aria-label': label, focusable: 'false' },
	    svg('rect', { class: 'f-bg', x: 0, y: 2, width: 100, height: 8 }),
	    svg('rect', { class: `f-${status}`, x: 0, y: 2, width: w.toFixed(2), height: 8 }),
	    timeShare === null || timeShare === undefined ? null :
		svg('line', { class: 'mark', x1: (timeShare * 100).toFixed(2), x2: (timeShare * 100).toFixed(2),
		    y1: 0, y2: 12, 'vector-effect': 'non-scaling-stroke' }));
}

export function setTitle(text) {
	document.title = `${text} · 督办`;
}

export function quarterOf(ymd) {
	const y = Number(ymd.slice(0, 4));
	const q = Math.floor((Number(ymd.slice(5, 7)) - 1) / 3) + 1;
	return `${y}Q${q}`;
}
const QN = ['', '一', '二', '三', '四'];
export function quarterLabel(q) {
	return `${q.slice(0, 4)}年第${QN[Number(q.slice(5))]}季度`;
}
