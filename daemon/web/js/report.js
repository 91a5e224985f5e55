// 本处室报告: what an office has saved but not sent (草稿), and its
// reports — one per open dispatch round, and outside rounds (日常报送) —
// with the step each awaits.  A clerk submits to the head (待审核); the
// head returns it with a reason or approves and 报送s it.  Where an office
// leads a task the report does not cover, the server names it and the
// page asks to confirm.  The general office 采纳s or 退回s on the round's
// page (reportActions).
import { api, h, clear, badge, word, problemText, refreshTodo, fmtTime, newId } from './common.js';

const enc = encodeURIComponent;

function steps(report) {
	if (!report || !(report.steps || []).length)
		return null;
	return h('ol', { class: 'steps small' }, report.steps.map((s) => h('li', {},
	    `${fmtTime(s.at)} ${s.actor}（${word('person_role', s.role) || s.role}）：${s.state_label}`,
	    s.reason ? `——${s.reason}` : '')));
}

// A reason box that opens under a button: the 退回 of a head or of the
// general office (dispatch.js: of a county's report too).
export function returnBox(label, send) {
	const id = newId('reason');
	const area = h('textarea', { id, rows: 2, required: true, maxlength: 2000 });
	const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
	const box = h('div', { class: 'confirm', hidden: true },
	    h('div', { class: 'field' }, h('label', { for: id }, '退回理由（对方在待办中看到）'), area), err,
	    h('div', { class: 'actions' },
		h('button', { type: 'button', class: 'btn danger', onclick: async (ev) => {
			if (!area.value.trim()) {
				err.textContent = '请填写退回理由';
				err.hidden = false;
				area.setAttribute('aria-invalid', 'true');
				area.focus();
				return;
			}
			ev.target.disabled = true;
			const e = await send({ reason: area.value.trim() });
			ev.target.disabled = false;
			if (e) {
				err.textContent = e;
				err.hidden = false;
			}
		} }, '确认退回'),
		h('button', { type: 'button', class: 'btn secondary', onclick: () => {
			box.hidden = true;
			open.hidden = false;
			open.focus();
		} }, '取消')));
	const open = h('button', { type: 'button', class: 'btn secondary' }, label);
	open.addEventListener('click', () => {
		open.hidden = true;
		box.hidden = false;
		area.focus();
	});
	return [open, box];
}

// One report (a round's, or the standing one) with its actions for this
// person.  base: the route prefix; redraw() after a step.
function reportRow(session, { title, due_on: due, state, label, drafts, report, base }, status, redraw) {
	const head = ['head', null, undefined].includes(session.person_role) && session.role === 'office';
	const confirmBox = h('div', { class: 'confirm', hidden: true, role: 'group' });
	const post = async (action, body) => {
		status.textContent = '正在提交…';
		try {
			const r = await api(`${base}/${action}`, { method: 'POST', body });
			status.textContent = `${title}：${r.state_label}${r.note ? `（${r.note}）` : ''}`;
			refreshTodo();
			await redraw();
			return null;
		} catch (e) {
			const p = e.problem || {};
			if (e.status === 422 && p.field === 'confirm') {
				clear(confirmBox).append(h('p', {}, problemText(e)),
				    h('div', { class: 'actions' },
					h('button', { type: 'button', class: 'btn', onclick: () => post(action, { confirm: true }) },
					    '确认无新进展，仍然提交'),
					h('button', { type: 'button', class: 'btn secondary', onclick: () => {
						confirmBox.hidden = true;
						status.textContent = '';
					} }, '先去填报')));
				confirmBox.hidden = false;
				confirmBox.querySelector('button').focus();
				status.textContent = '';
				return null;
			}
			status.textContent = problemText(e);
			return problemText(e);
		}
	};
	const actions = [];
	const awaitingHead = state === 'submitted';
	if (head && (awaitingHead || drafts > 0 || ['pending', 'draft', 'returned', 'late'].includes(state)))
		actions.push(h('button', { type: 'button', class: 'btn', onclick: () => post('submit') },
		    awaitingHead ? '审核通过并报送' : '报送'));
	else if (!head && !awaitingHead && state !== 'accepted' && (drafts > 0 || state !== 'reported'))
		actions.push(h('button', { type: 'button', class: 'btn', onclick: () => post('submit') },
		    '提交处室负责人审核'));
	if (head && awaitingHead)
		actions.push(...returnBox('退回经办人修改', (b) => post('return', b)));
	const reason = report && state === 'returned' ?
	    [...report.steps].reverse().find((s) => s.action === 'return') : null;
	return h('li', { class: 'report-row' },
	    h('div', { class: 'sv-head' },
		h('strong', {}, title),
		due ? h('span', { class: 'ms-date' }, `报送截止 ${due}`) : null,
		badge(state, label),
		drafts ? h('span', { class: 'small muted' }, `草稿 ${drafts} 项`) : null),
	    reason ? h('p', { class: 'alert' }, `${reason.actor}退回：${reason.reason}`) : null,
	    steps(report),
	    actions.length ? h('div', { class: 'actions' }, actions) : null,
	    confirmBox);
}

// The panel on 我的任务 for a person of an office.
export async function reportPanel(session, office) {
	const status = h('p', { class: 'form-msg', role: 'status' });
	const list = h('ul', { class: 'sv-list' });
	const panel = h('section', { class: 'panel', id: 'report', 'aria-labelledby': 'report-h', tabindex: '-1' },
	    h('h2', { id: 'report-h' }, '本处室报告'),
	    h('p', { class: 'hint' }, '填写的进展先存为草稿，仅本处室可见；经办人提交后由处室负责人审核报送，报送后局办公室和领导才能看到。'),
	    list, status);
	const redraw = async () => {
		let d;
		try {
			d = await api(`/api/v1/offices/${enc(office)}/report`);
		} catch (e) {
			clear(list).append(h('li', { class: 'alert' }, `无法加载本处室报告：${problemText(e)}`));
			return;
		}
		const rows = (d.rounds || []).map((r) => reportRow(session, {
			title: `进展调度“${r.title}”`, due_on: r.due_on, state: r.state, label: r.state_label,
			drafts: r.drafts, report: r.report,
			base: `/api/v1/dispatches/${r.dispatch_id}/offices/${enc(office)}`,
		}, status, redraw));
		const inRounds = (d.rounds || []).reduce((n, r) => n + (r.drafts || 0), 0);
		const standing = (d.standing || [])[0] || null;
		const loose = (d.drafts || []).length - inRounds;
		if (standing || loose > 0 || (d.drafts || []).length > 0 && rows.length === 0)
			rows.push(reportRow(session, {
				title: '日常报送', state: standing ? standing.state : 'draft',
				label: standing ? standing.state_label : word('dispatch_state', 'draft'),
				drafts: (d.drafts || []).filter((x) => !x.locked || standing).length, report: standing,
				base: `/api/v1/offices/${enc(office)}/report`,
			}, status, redraw));
		clear(list).append(...(rows.length ? rows : [h('li', { class: 'empty' }, '没有待报送的报告或草稿。')]));
	};
	await redraw();
	return panel;
}

// On a round's page, for the general office: 采纳 or 退回 an office's
// report that went out.
export function reportActions(round, o, onDone) {
	if (!['reported', 'reported_late'].includes(o.state) || !o.report_id)
		return null;
	const base = `/api/v1/dispatches/${round.id}/offices/${enc(o.name)}`;
	const status = h('span', { class: 'form-msg', role: 'status' });
	const post = async (action, body) => {
		try {
			await api(`${base}/${action}`, { method: 'POST', body });
			refreshTodo();
			await onDone();
			return null;
		} catch (e) {
			status.textContent = problemText(e);
			return problemText(e);
		}
	};
	const accept = h('button', { type: 'button', class: 'btn small', onclick: () => post('accept') }, '采纳');
	accept.setAttribute('aria-label', `采纳${o.name}的报告`);
	const [ret, box] = returnBox('退回', (b) => post('return', b));
	ret.classList.add('small');
	ret.setAttribute('aria-label', `退回${o.name}的报告`);
	return h('div', { class: 'row-actions' }, accept, ret, box, status);
}
