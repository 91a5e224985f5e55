// 督办单 and 督查通报.  Everyone sees the 督办单 they may (an office its
// own; the general office, leaders and inspectors all), prints them, and
// the 承办处室 signs for its own (签收).  The general office drafts a 通报
// from a closed dispatch round or an ended quarter, edits its own words,
// and issues it; issued 通报 are archived and everyone may print them.
// The print views are the server's documents (?format=html), A4 公文.
import {
	api, boot, h, append, clear, $, td, table, badge, fmtTime, problemText, showFatal,
	newId, setTitle, query,
} from './common.js';

let session;

// A notice's colour as a badge, in the classes the lights already have.
const LADDER = { blue: 'on_track', yellow: 'behind', red: 'overdue' };
function colourBadge(n) {
	return badge(LADDER[n.colour] || 'pending', `${n.colour_label}督办`);
}

function printLink(path, what) {
	return h('a', { href: `${path}?format=html`, target: '_blank', rel: 'noopener',
	    class: 'btn secondary' }, `打印${what}`);
}

function cnDate(ymd) {
	if (!ymd)
		return '—';
	const [y, m, d] = ymd.split('-').map(Number);
	return `${y}年${m}月${d}日`;
}

// ---------------------------------------------------------------- 督办单

function ackCell(n, redraw) {
	if (n.acknowledged)
		return h('span', {}, `${n.acknowledged.by} ${fmtTime(n.acknowledged.at)} 已签收`);
	if (!n.may_acknowledge)
		return h('span', { class: 'muted' }, '未签收');
	const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const btn = h('button', { type: 'button', class: 'btn', 'aria-label': `签收${n.number}` }, '签收');
	btn.addEventListener('click', async () => {
		btn.disabled = true;
		try {
			await api(`/api/v1/duban-notices/${n.id}/acknowledge`, { method: 'POST', body: {} });
			redraw();
		} catch (e) {
			btn.disabled = false;
			err.textContent = problemText(e);
			err.hidden = false;
		}
	});
	return h('div', {}, btn, err);
}

function historyList(n) {
	return h('details', {}, h('summary', {}, '经过'),
	    h('ul', { class: 'changes' }, n.history.map((e) =>
		h('li', {}, `${fmtTime(e.at)} ${e.by}：${e.note || ''}`))));
}

function noticesPanel(list, redraw) {
	const cols = ['编号', '等级', '督办事项', '承办处室', '办理时限', '签收', ''].map((label) => ({ label }));
	const rows = list.notices.map((n) => h('tr', { id: `notice-${n.id}` },
	    td('编号', [h('strong', {}, n.number), h('div', { class: 'small muted' }, n.trigger_label)], 'nowrap'),
	    td('等级', colourBadge(n)),
	    td('督办事项', [n.matter, historyList(n)]),
	    td('承办处室', n.office),
	    td('办理时限', cnDate(n.handle_by), 'nowrap'),
	    td('签收', ackCell(n, redraw)),
	    td('打印', printLink(`/api/v1/duban-notices/${n.id}`, '督办单'))));
	return h('section', { class: 'panel', 'aria-labelledby': 'notices-h' },
	    h('h2', { id: 'notices-h' }, '督办单'),
	    h('p', { class: 'small muted' }, session.role === 'office' ?
		'发给本处室的督办单：请及时签收，并按反馈要求报送办理情况。' :
		'事项逾期、临期或调度逾期未报时自动签发；签发后仍未办结的逐级升为黄色、红色督办。'),
	    list.notices.length === 0 ? h('p', { class: 'empty' }, '没有督办单。') :
		table(cols, rows, { className: 'stack', caption: '督办单，最新的在前' }));
}

// ---------------------------------------------------------------- 通报

function bulletinsPanel(list, rounds) {
	const cols = ['编号', '标题', '状态', '日期', ''].map((label) => ({ label }));
	const rows = list.bulletins.map((b) => h('tr', {},
	    td('编号', b.number || '（草稿）', 'nowrap'),
	    td('标题', h('a', { href: `notice.html?bulletin=${b.id}` }, b.title)),
	    td('状态', badge(b.state === 'issued' ? 'done' : 'draft', b.state === 'issued' ? '已印发' : '草稿')),
	    td('日期', b.issued_on ? cnDate(b.issued_on) : '—', 'nowrap'),
	    td('打印', printLink(`/api/v1/bulletins/${b.id}`, '通报'))));
	return h('section', { class: 'panel', 'aria-labelledby': 'bulletins-h' },
	    h('h2', { id: 'bulletins-h' }, '督查通报'),
	    list.bulletins.length === 0 ? h('p', { class: 'empty' }, '还没有督查通报。') :
		table(cols, rows, { className: 'stack', caption: '督查通报' }),
	    list.may_draft ? draftForm(rounds) : null);
}

function draftForm(rounds) {
	const closed = rounds.filter((r) => r.state === 'closed');
	const msg = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const roundSel = h('select', { id: 'draft-round', name: 'round' },
	    h('option', { value: '' }, '（按季度起草）'),
	    closed.map((r) => h('option', { value: String(r.id) }, r.title)));
	const quarter = h('input', { type: 'text', id: 'draft-quarter', name: 'quarter', placeholder: '如 2012Q3',
	    pattern: '[0-9]{4}Q[1-4]', maxlength: 6 });
	const form = h('form', { novalidate: true, id: 'draft-form' },
	    h('h3', {}, '起草通报'),
	    h('div', { class: 'row' },
		h('div', { class: 'field' }, h('label', { for: 'draft-round' }, '已结束的调度'), roundSel),
		h('div', { class: 'field' }, h('label', { for: 'draft-quarter' }, '或已结束的季度'), quarter)),
	    msg,
	    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '起草')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		msg.hidden = true;
		const body = roundSel.value ? { round: Number(roundSel.value) } : { quarter: quarter.value.trim() };
		try {
			const b = await api('/api/v1/bulletins', { method: 'POST', body });
			location.assign(`notice.html?bulletin=${b.id}`);
		} catch (e) {
			msg.textContent = problemText(e);
			msg.hidden = false;
		}
	});
	return form;
}

function figuresView(b) {
	const f = b.figures;
	const li = (t) => h('li', {}, t);
	return [
	    h('h3', {}, '一、总体情况'), h('p', {}, b.overview),
	    h('h3', {}, '二、表扬'),
	    h('p', {}, f.praised.length ? f.praised.join('、') : '本期没有符合表扬条件的处室。'),
	    h('p', { class: 'small muted' }, f.rule),
	    h('h3', {}, '三、通报批评'),
	    h('ul', { class: 'changes' },
		f.missing_reports.map((m) => li(`${m.office}：“${m.round}”${m.late ? '逾期报送' : '未报送'}`)),
		f.overdue_items.map((m) => li(`${m.office}：任务${m.task}“${m.task_title}”的节点“${m.milestone}”，时限${cnDate(m.due_on)}，已逾期${m.days}天`)),
		f.returned.map((m) => li(`${m.office}：${m.what}被退回${m.times}次`))),
	];
}

function field(id, label, input, hint) {
	const hintId = hint ? newId(`${id}-hint`) : null;
	if (hintId)
		input.setAttribute('aria-describedby', hintId);
	return h('div', { class: 'field' }, h('label', { for: id }, label),
	    hint ? h('p', { class: 'hint', id: hintId }, hint) : null, input,
	    h('p', { class: 'field-error', id: `${id}-err`, hidden: true }));
}

function editor(app, b) {
	let version = b.version;
	const msg = h('p', { class: 'form-error', role: 'alert', hidden: true });
	const ok = h('p', { class: 'notice', role: 'status', hidden: true });
	const inputs = {
		title: h('input', { type: 'text', id: 'b-title', maxlength: 200, value: b.title }),
		remarks: h('textarea', { id: 'b-remarks', rows: 3, maxlength: 4000, value: b.remarks || '' }),
		requirements: h('textarea', { id: 'b-requirements', rows: 5, maxlength: 4000, value: b.requirements }),
		signer: h('input', { type: 'text', id: 'b-signer', maxlength: 100, value: b.signer }),
	};
	const red = h('input', { type: 'checkbox', id: 'b-red_head', checked: b.red_head });
	const showError = (e) => {
		for (const el of app.querySelectorAll('.field-error'))
			el.hidden = true;
		const fe = e.problem && e.problem.field && $(`#b-${e.problem.field}-err`);
		if (fe) {
			fe.textContent = e.problem.detail || problemText(e);
			fe.hidden = false;
		}
		msg.textContent = problemText(e);
		msg.hidden = false;
	};
	const save = async () => {
		const body = { red_head: red.checked };
		for (const [k, el] of Object.entries(inputs))
			body[k] = el.value;
		const nb = await api(`/api/v1/bulletins/${b.id}`, { method: 'PATCH', body, ifMatch: version });
		version = nb.version;
		return nb;
	};
	const form = h('form', { novalidate: true, id: 'bulletin-form' },
	    field('b-title', '标题', inputs.title),
	    field('b-remarks', '总体情况补充说明（可不填）', inputs.remarks, '写在总体情况的数字之后；数字在起草时已确定，不能修改'),
	    field('b-requirements', '下一步要求', inputs.requirements, '每行一段'),
	    field('b-signer', '落款', inputs.signer),
	    h('div', { class: 'field' }, h('label', {}, red, ' 使用红头（“督查通报”红色版头）'),
		h('p', { class: 'field-error', id: 'b-red_head-err', hidden: true })),
	    msg, ok,
	    h('div', { class: 'actions' },
		h('button', { type: 'submit', class: 'btn' }, '保存'),
		h('button', { type: 'button', class: 'btn danger', id: 'issue' }, '印发'),
		printLink(`/api/v1/bulletins/${b.id}`, '预览')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		msg.hidden = true;
		try {
			await save();
			ok.textContent = '已保存。';
			ok.hidden = false;
		} catch (e) {
			showError(e);
		}
	});
	form.querySelector('#issue').addEventListener('click', async (ev) => {
		ev.target.disabled = true;
		msg.hidden = true;
		try {
			await save();
			await api(`/api/v1/bulletins/${b.id}/issue`, { method: 'POST', body: {}, ifMatch: version });
			location.assign(`notice.html?bulletin=${b.id}&issued=1`);
		} catch (e) {
			ev.target.disabled = false;
			showError(e);
		}
	});
	return form;
}

async function showBulletin(app, id) {
	let b;
	try {
		b = await api(`/api/v1/bulletins/${id}`);
	} catch (e) {
		showFatal(e);
		return;
	}
	setTitle(b.title);
	$('#page-title').textContent = b.title;
	$('#page-sub').textContent = b.number ? `${b.number}　${cnDate(b.issued_on)}` : '草稿：印发时编号并注明日期';
	const issued = new URLSearchParams(location.search).has('issued');
	append(clear(app), [
	    h('p', {}, h('a', { href: 'notice.html' }, '‹ 返回督办单与通报')),
	    issued ? h('p', { class: 'notice', role: 'status' }, `已印发：${b.number}，已存档，此后不能修改。`) : null,
	    h('section', { class: 'panel', 'aria-labelledby': 'bulletin-h' },
		h('div', { class: 'panel-head' }, h('h2', { id: 'bulletin-h' }, b.number || '通报草稿'),
		    badge(b.state === 'issued' ? 'done' : 'draft', b.state === 'issued' ? '已印发' : '草稿')),
		figuresView(b),
		b.may_edit ? editor(app, b) : [
		    b.remarks ? h('p', {}, b.remarks) : null,
		    h('h3', {}, '四、下一步要求'),
		    b.requirements.split('\n').filter((l) => l.trim()).map((l) => h('p', {}, l)),
		    h('p', {}, `${b.signer}　${cnDate(b.issued_on)}`),
		    h('div', { class: 'actions' }, printLink(`/api/v1/bulletins/${b.id}`, '通报'))])]);
}

async function showAll(app) {
	$('#page-sub').textContent = session.role === 'office' ? '本处室的督办单与已印发的通报' :
	    '督办单按蓝、黄、红逐级督办；通报在一轮调度或一个季度结束后起草、印发';
	let notices, bulletins, rounds = [];
	try {
		[notices, bulletins, rounds] = await Promise.all([api(`/api/v1/duban-notices${query({})}`),
		    api('/api/v1/bulletins'), session.role === 'general' ? api('/api/v1/dispatches') : []]);
	} catch (e) {
		showFatal(e);
		return;
	}
	append(clear(app), [noticesPanel(notices, () => showAll(app)), bulletinsPanel(bulletins, rounds)]);
}

async function main() {
	session = await boot();
	const app = $('#app');
	const id = new URLSearchParams(location.search).get('bulletin');
	if (id && /^\d+$/.test(id))
		return showBulletin(app, id);
	return showAll(app);
}

main();
