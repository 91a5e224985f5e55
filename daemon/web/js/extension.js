// 延期申请 on the task page: a milestone's extension, its pending request,
// the form to ask (for whoever may write the task, before it is due) and
// the general office's approve / reject.  The server decides who may and
// when; these controls only spare people a refused click.
import { h, word, api, problemText, fmtTime, newId } from './common.js';

function cnDate(ymd) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
	return m ? `${+m[1]}年${+m[2]}月${+m[3]}日` : (ymd || '—');
}

function field(label, input, err) {
	const id = newId('ext');
	input.id = id;
	err.id = `${id}-err`;
	return h('div', { class: 'field' }, h('label', { for: id }, label), input, err);
}

// A form of labelled inputs, {name: [label, input]}, and buttons, [[text,
// path, class]], each posting the inputs (empty ones as null) to its
// path; onDone(answer).  The server's problem shows at the field it names.
// The 办结 panel (completion.js) uses it too.
export function postForm(inputs, buttons, onDone) {
	const errs = {};
	const msg = h('p', { class: 'form-msg', role: 'status' });
	const formErr = h('p', { class: 'alert', role: 'alert', hidden: true });
	const els = Object.entries(inputs).map(([key, [label, input]]) => {
		errs[key] = h('p', { class: 'field-error', hidden: true });
		input.name = key;
		return field(label, input, errs[key]);
	});
	const form = h('form', { class: 'ext-form', novalidate: true }, ...els, formErr,
	    h('div', { class: 'actions' }, ...buttons.map(([text, path, cls]) =>
		h('button', { type: 'button', class: cls || 'btn', onclick: (ev) => send(ev.target, path) }, text))),
	    msg);
	async function send(btn, path) {
		const body = {};
		for (const [key, [, input]] of Object.entries(inputs)) {
			body[key] = input.value.trim() === '' ? null : input.value.trim();
			input.removeAttribute('aria-invalid');
			errs[key].hidden = true;
		}
		formErr.hidden = true;
		btn.disabled = true;
		msg.textContent = '正在提交…';
		try {
			const answer = await api(path, { method: 'POST', body });
			msg.textContent = '';
			onDone(answer);
		} catch (e) {
			msg.textContent = '';
			const p = e.problem || {};
			if (p.field && errs[p.field]) {
				errs[p.field].textContent = problemText(e);
				errs[p.field].hidden = false;
				inputs[p.field][1].setAttribute('aria-invalid', 'true');
				inputs[p.field][1].setAttribute('aria-describedby', errs[p.field].id);
				inputs[p.field][1].focus();
			} else {
				formErr.textContent = `未提交：${problemText(e)}`;
				formErr.hidden = false;
			}
		} finally {
			btn.disabled = false;
		}
	}
	return form;
}

// The extension part of a milestone.  opts: {canEdit, session, today, onChanged()}.
export function extensionBox(m, opts) {
	const box = h('div', { class: 'ext' });
	const reqs = m.extension_requests || [];
	const pending = reqs.find((x) => x.state === 'pending' || x.state === 'reviewed');
	if (m.original_due_on)
		box.append(h('p', { class: 'ext-done' },
		    `已延期${m.extensions > 1 ? ` ${m.extensions} 次` : ''}（原定 ${cnDate(m.original_due_on)}）`));
	if (pending) {
		box.append(h('p', { class: 'ext-pending' },
		    `延期申请${word('extension_state', pending.state)}：申请延至 ${cnDate(pending.new_due_on)}，` +
		    `${pending.requested_office || pending.requested_by} ${pending.requested_by !== pending.requested_office ? pending.requested_by : ''}` +
		    `于 ${fmtTime(pending.requested_at)} 提出。理由：${pending.reason}` +
		    (pending.reviewed_by ? `；${pending.reviewed_by} 于 ${fmtTime(pending.reviewed_at)} 同意：${pending.review_reason}` : '')));
		// The general office's step, then (where the plan says) the 分管领导's.
		if ((pending.state === 'pending' && opts.session.role === 'general') ||
		    (pending.state === 'reviewed' && opts.session.person_role === 'leader')) {
			const reason = h('textarea', { rows: 2, maxlength: 2000 });
			box.append(h('details', { class: 'edit' },
			    h('summary', {}, '审批延期申请', h('span', { class: 'sr-only' }, `：${m.title}`)),
			    postForm({ reason: ['审批意见（必填）', reason] },
				[['批准延期', `/api/v1/extensions/${pending.id}/approve`],
				 ['不批准', `/api/v1/extensions/${pending.id}/reject`, 'btn secondary']],
				() => opts.onChanged())));
		}
	} else if (opts.canEdit && m.status !== 'done' && m.due_on && opts.today <= m.due_on) {
		const date = h('input', { type: 'date', min: m.due_on });
		const reason = h('textarea', { rows: 2, maxlength: 2000 });
		box.append(h('details', { class: 'edit' },
		    h('summary', {}, '申请延期', h('span', { class: 'sr-only' }, `：${m.title}`)),
		    postForm({ new_date: ['延期至', date], reason: ['理由（必填）', reason] },
			[['提交延期申请', `/api/v1/milestones/${m.id}/extensions`]],
			() => opts.onChanged())));
	}
	const decided = reqs.filter((x) => x.state !== 'pending');
	if (decided.length)
		box.append(h('ul', { class: 'ext-hist small muted' }, decided.map((x) =>
		    h('li', {}, `${fmtTime(x.requested_at)} ${x.requested_office || x.requested_by} 申请延至 ` +
			`${cnDate(x.new_due_on)}（${x.reason}）；${x.decided_by} ${word('extension_state', x.state)}：` +
			`${x.decision_reason}`))));
	return box.childNodes.length ? box : null;
}
