/*
 * The routes, one group per api-*.c file, each a table of {method,
 * pattern, role, handler} (router.h) ending in a NULL pattern, which
 * server.c adds to the router.  Every handler answers its request
 * exactly once, through http.c, however its queries end.
 *
 * What a handler reaches besides its request is struct api, which
 * server.c fills in once and the router hands over as r->app.  The
 * handlers use http.c, pool.c, work.c, metrics.c, outbox.c, site.c and
 * auth.c; nothing calls them but through their tables.
 */
#ifndef DUBAN_API_H
#define DUBAN_API_H

#include <time.h>

#include "router.h"

struct api {
	const struct config	*cfg;		/* the running configuration */
	struct pool		*pool;
	struct work		*work;		/* report rendering */
	struct work		*crypt;		/* password hashing */
	struct work		*inspect;	/* evidence files' types */
	struct auth_cache	*auth;
	struct metrics		*metrics;
	struct outbox		*outbox;
	const struct site	*site;		/* where links point */
	time_t			 started;
};

extern const struct route api_health_routes[];		/* /healthz, /metrics */
extern const struct route api_read_routes[];		/* plans, tasks, offices */
extern const struct route api_write_routes[];		/* milestones, targets */
extern const struct route api_reminder_routes[];	/* the outbox, recipients */
extern const struct route api_report_routes[];		/* quarterly reports */
extern const struct route api_dispatch_routes[];	/* dispatch rounds */
extern const struct route api_feed_routes[];		/* calendar feeds */
extern const struct route api_session_routes[];		/* the pages' sign-in */
extern const struct route api_user_routes[];		/* accounts */
extern const struct route api_workflow_routes[];	/* 签收, 批示, 待办 */
extern const struct route api_extension_routes[];	/* 延期申请 */
extern const struct route api_jiaoban_routes[];		/* 督办事项 (交办) */
extern const struct route api_completion_routes[];	/* 办结审核 */
extern const struct route api_file_routes[];		/* 佐证材料 */
extern const struct route api_batch_routes[];		/* 批量填报 */
extern const struct route api_fill_routes[];		/* the XLSX 填报表 */
extern const struct route api_plan_routes[];		/* plan files: preview, load */
extern const struct route api_draft_routes[];		/* plan drafts */
extern const struct route api_plan_sheet_routes[];	/* the 任务分解表 */
extern const struct route api_notice_routes[];		/* 督办单, 督查通报 */
extern const struct route api_assess_routes[];		/* 考核 */
extern const struct route api_county_routes[];		/* 上级督办下级 */

/*
 * The version the client last read (api-write.c): If-Match ("3", W/"3")
 * or the body's "version"; 0 if neither.  0 and *out, or -1 after
 * answering 400 (a malformed If-Match, or one the body contradicts).
 */
int	api_expected_version(struct req *, json_t *body, long long *out);
extern const struct route api_lights_routes[];		/* 红黄绿灯 thresholds */

#endif
