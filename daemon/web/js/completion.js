// 办结审核 on the task page: the task's 办结 state, every request and its
// decision, the head's form to ask (申请办结) and the general office's
// 同意办结 / 退回.  The server says who may (completion.may_request,
// may_decide) and decides again on every request; these controls only
// spare people a refused click.
import { h, word, badge, fmtTime } from './common.js';
import { postForm } from './extension.js';

// Who took a step: "人事处 赵敏", or the office alone for its own token.
function who(office, by) {
	return office && by && office !== by ? `${office} ${by}` : (office || by || '');
}

function steps(c) {
	const items = [];
	for (const x of c.requests || []) {
		items.push(h('li', {}, `${fmtTime(x.requested_at)} ${who(x.requested_office, x.requested_by)} 申请办结`,
		    h('blockquote', {}, `办结说明：${x.note}`)));
		if (x.decided_at)
			items.push(h('li', {}, `${fmtTime(x.decided_at)} ${who(x.decided_office, x.decided_by)} ` +
			    (x.state === 'approved' ? '同意办结' : '退回办结申请'),
			    x.decision_reason ? h('blockquote', {},
				`${x.state === 'approved' ? '审核意见' : '退回理由'}：${x.decision_reason}`) : null));
	}
	return items.length ? h('ol', { class: 'plain cmp-steps', 'aria-label': '办结审核记录' }, items) : null;
}

// The panel, or null where the plan does not ask for the review and no
// one has asked.  onChanged() redraws the page's parts after a step.
export function completionPanel(t, onChanged) {
	const c = t.completion;
	if (!c || (!c.review && !(c.requests || []).length))
		return null;
	const state = c.state || 'none';
	const parts = [
		h('p', { class: 'cmp-state' }, '办结状态：', badge(state === 'pending' ? 'completing' :
		    state === 'approved' ? 'done' : state === 'returned' ? 'overdue' : 'pending',
		    word('task_completion', state))),
	];
	if (!c.review)
		parts.push(h('p', { class: 'hint' }, '本计划不要求办结审核：节点全部完成即为已完成。'));
	else if (state === 'none')
		parts.push(h('p', { class: 'hint' }, '本计划要求办结审核：任务完成后，由牵头处室负责人申请办结，经局办公室同意后为已完成。'));
	parts.push(steps(c));
	if (c.may_request) {
		const note = h('textarea', { rows: 3, maxlength: 2000 });
		parts.push(h('h3', {}, state === 'returned' ? '重新申请办结' : '申请办结'),
		    postForm({ note: ['办结说明（必填）', note] },
			[['申请办结', `/api/v1/tasks/${t.id}/completion`]], onChanged));
	}
	if (c.may_decide) {
		const reason = h('textarea', { rows: 2, maxlength: 2000 });
		parts.push(h('h3', {}, '审核办结申请'),
		    postForm({ reason: ['审核意见（退回时必填）', reason] },
			[['同意办结', `/api/v1/tasks/${t.id}/completion/approve`],
			 ['退回', `/api/v1/tasks/${t.id}/completion/return`, 'btn secondary']], onChanged));
	}
	return h('section', { class: 'panel', id: 'completion', 'aria-labelledby': 'cmp-h' },
	    h('h2', { id: 'cmp-h', tabindex: '-1' }, '办结审核'), ...parts);
}
