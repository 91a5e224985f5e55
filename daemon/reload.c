/*
 * SIGHUP (see reload.h): files read on a thread, handed back through a
 * pipe, applied on the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "diag.h"
#include "load.h"
#include "log.h"
#include "pool.h"
#include "reload.h"
#include "web.h"
#include "xmalloc.h"

struct reload {
	struct pool			*pool;
	const struct config_source	*src;
	reload_apply_cb			 apply;
	void				*arg;
	struct event			*ev;	/* a reload thread finished */
	int				 pipe[2];
	int				 running, again, closing;
	pthread_t			 tid;
	int				 thread;	/* tid not yet joined */
};

struct reload_job {
	struct reload	*rl;
	struct config	 cfg;
	int		 cfg_ok;
	char		*cfg_err;
	char		*plans_json;	/* plans to load, or NULL */
	char		*plans_err;	/* why the plans were refused */
	char		*plans_warn;	/* warnings about plans loaded anyway */
	int		 nplans;
	struct web	*web;		/* the pages, read again */
	char		*web_err;
};

static void
job_free(struct reload_job *j)
{
	if (j->cfg_ok)
		config_free(&j->cfg);
	free(j->cfg_err);
	free(j->plans_err);
	free(j->plans_warn);
	free(j->plans_json);
	web_free(j->web);
	free(j->web_err);
	free(j);
}

static void *
reload_thread(void *arg)
{
	struct reload_job	*j = arg;
	struct diags		 d;
	char			**paths, *buf = NULL;
	size_t			 len = 0;
	int			 n;
	json_t			*plans;
	FILE			*f;

	j->cfg_ok = config_load(j->rl->src, &j->cfg, &j->cfg_err) == 0;
	if (j->cfg_ok && *j->cfg.web_root != '\0')
		j->web = web_load(j->cfg.web_root, &j->web_err);
	if (j->cfg_ok && *j->cfg.plans != '\0') {
		if (load_list_dir(j->cfg.plans, &paths, &n, &j->plans_err) == 0) {
			diags_init(&d);
			plans = load_read_files(paths, n, &d);
			if (d.n > 0) {
				f = open_memstream(&buf, &len);
				diags_print(&d, f);
				fclose(f);
			}
			if (plans != NULL) {
				j->plans_json = load_dump(plans);
				j->nplans = n;
				j->plans_warn = buf;	/* warnings only */
				json_decref(plans);
			} else
				j->plans_err = buf;
			diags_free(&d);
			load_free_list(paths, n);
		}
	}
	/* A pointer's worth of bytes: written whole (PIPE_BUF). */
	while (write(j->rl->pipe[1], &j, sizeof j) == -1 && errno == EINTR)
		;
	return (NULL);
}

/* The reload is over: tell systemd (and anyone waiting), maybe go again. */
static void
reload_finished(struct reload *rl)
{
	rl->running = 0;
	sd_notify(0, "READY=1\nSTATUS=reloaded");
	if (rl->again && !rl->closing) {
		rl->again = 0;
		reload_start(rl);
	}
}

static void
plans_loaded(PGresult *res, const char *err, void *arg)
{
	struct reload	*rl = arg;
	char		*buf = NULL;
	size_t		 len = 0;
	json_t		*report;
	FILE		*f;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("重新导入计划失败，数据库中的计划保持不变：%s",
		    res ? PQresultErrorMessage(res) : err);
		reload_finished(rl);
		return;
	}
	if ((report = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL) {
		reload_finished(rl);
		return;
	}
	f = open_memstream(&buf, &len);
	load_print_report(report, f);
	fclose(f);
	/* One log line per plan. */
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n"))
		log_notice("重新导入计划：%s", line);
	free(buf);
	json_decref(report);
	reload_finished(rl);
}

static void
reload_done(evutil_socket_t fd, short what, void *arg)
{
	struct reload		*rl = arg;
	struct reload_job	*j;
	const char		*params[3];
	char			 now[CLOCK_ISO_LEN];
	char			*line, *save = NULL;
	int			 queued;

	(void)what;
	if (read(fd, &j, sizeof j) != (ssize_t)sizeof j)
		return;
	pthread_join(rl->tid, NULL);
	rl->thread = 0;
	if (!j->cfg_ok) {
		log_warnx("重新加载配置失败，继续使用原配置：%s", j->cfg_err);
	} else {
		/* The callback owns them now. */
		rl->apply(&j->cfg, j->web, j->web_err, rl->arg);
		j->cfg_ok = 0;
		j->web = NULL;
	}
	queued = 0;
	if (j->plans_err != NULL) {
		for (line = strtok_r(j->plans_err, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			log_warnx("计划文件有误，未重新导入，数据库中的计划保持不变：%s", line);
	} else if (j->plans_json != NULL) {
		if (j->plans_warn != NULL)
			for (line = strtok_r(j->plans_warn, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save))
				log_notice("计划文件：%s", line);
		params[0] = j->plans_json;
		params[1] = "duband（SIGHUP 重新导入）";
		clock_now_iso(now);
		params[2] = now;
		if (pool_query(rl->pool, DIR_LOAD_SQL, 3, params, plans_loaded, rl) == 0)
			queued = 1;
		else
			log_warnx("数据库不可用，本次未重新导入计划");
	}
	job_free(j);
	if (!queued)
		reload_finished(rl);
}

struct reload *
reload_new(struct event_base *base, struct pool *pool,
    const struct config_source *src, reload_apply_cb apply, void *arg)
{
	struct reload	*rl = xcalloc(1, sizeof *rl);

	rl->pool = pool;
	rl->src = src;
	rl->apply = apply;
	rl->arg = arg;
	if (pipe2(rl->pipe, O_CLOEXEC) != 0) {
		free(rl);
		return (NULL);
	}
	rl->ev = event_new(base, rl->pipe[0], EV_READ | EV_PERSIST, reload_done, rl);
	if (event_add(rl->ev, NULL) != 0) {
		event_free(rl->ev);
		close(rl->pipe[0]);
		close(rl->pipe[1]);
		free(rl);
		return (NULL);
	}
	return (rl);
}

void
reload_start(struct reload *rl)
{
	struct reload_job	*j;

	if (rl->closing)
		return;
	if (rl->running) {
		rl->again = 1;
		return;
	}
	log_notice("收到 SIGHUP：重新加载配置和计划");
	sd_notify(0, "RELOADING=1");
	j = xcalloc(1, sizeof *j);
	j->rl = rl;
	rl->running = 1;
	if (pthread_create(&rl->tid, NULL, reload_thread, j) != 0) {
		log_warn("无法启动重新加载线程");
		rl->running = 0;
		free(j);
		return;
	}
	rl->thread = 1;
}

void
reload_close(struct reload *rl)
{
	rl->closing = 1;
}

/*
 * A reload thread still reading files is waited for (it has no blocking
 * I/O but the files), and what it made is dropped.
 */
void
reload_free(struct reload *rl)
{
	struct reload_job	*j;

	if (rl == NULL)
		return;
	rl->closing = 1;
	if (rl->thread) {
		pthread_join(rl->tid, NULL);
		rl->thread = 0;
		if (read(rl->pipe[0], &j, sizeof j) == (ssize_t)sizeof j)
			job_free(j);
	}
	event_free(rl->ev);
	close(rl->pipe[0]);
	close(rl->pipe[1]);
	free(rl);
}
