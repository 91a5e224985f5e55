/*
 * duban-bench-fill ROWS RUNS: writes a 填报表 of ROWS rows (half targets,
 * half milestones, every fillable cell filled) with fill_xlsx, changes
 * nothing, and reads it back RUNS times with fill_read, as the upload
 * route does.  Prints the workbook's size, the best read's time per row
 * and the peak resident memory of the process (getrusage; the writer's
 * share included, so an upper bound for the reader).  bench/fill.sh
 * runs it.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "fill.h"
#include "xmalloc.h"

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static json_t *
rows_of(long n)
{
	json_t	*rows = json_array();

	for (long i = 0; i < n; i++) {
		int	 t = i % 2 == 0;
		char	*title = xprintf("任务%ld：实施困难家庭学生爱心助学工程", i / 4 + 1);
		char	*name = xprintf("%s%ld", t ? "资助困难学生人数" : "完成第一批资助发放", i);

		json_array_append_new(rows, json_pack(
		    "{s:s,s:I,s:i,s:{s:I,s:s,s:s},s:s,s:o,s:o,s:o,s:o,"
		    "s:s,s:s,s:s,s:s}",
		    "kind", t ? "target" : "milestone", "id", (json_int_t)i + 1,
		    "version", 1, "task", "id", (json_int_t)i / 4 + 1, "number", "一、1",
		    "title", title, "name", name,
		    "goal", t ? json_pack("{s:i,s:s,s:s}", "value", 60000, "unit", "人",
		    "qualifier", "at_least") : json_pack("{s:s}", "due_on", "2012-09-30"),
		    "previous", t ? json_integer(39000) : json_string("in_progress"),
		    "current", t ? json_real(39810.5) : json_null(),
		    "status", t ? json_null() : json_string("in_progress"),
		    "note", "已按计划推进，完成本季度资助发放工作。",
		    "outcome", "惠及困难家庭学生三万余人。",
		    "problems", "部分县区资金拨付进度偏慢。",
		    "next_steps", "督促各县区加快资金拨付，确保年底前全部到位。"));
		free(title);
		free(name);
	}
	return (json_pack("{s:{s:i,s:s},s:n,s:s,s:o}", "office", "id", 2, "name",
	    "财务审计处", "dispatch", "previous_at", "2012-07-01T00:00:00+08:00",
	    "rows", rows));
}

int
main(int argc, char **argv)
{
	long			 n = argc > 1 ? atol(argv[1]) : 2000;
	int			 runs = argc > 2 ? atoi(argv[2]) : 5;
	json_t			*body = rows_of(n), *errors;
	struct fill_upload	 u;
	struct rusage		 ru;
	char			*buf = NULL, *cause = NULL;
	size_t			 len = 0;
	double			 best = 1e9, t0, t;
	FILE			*f = open_memstream(&buf, &len);

	if (fill_render(body, f, &cause) != 0) {
		fprintf(stderr, "duban-bench-fill: %s\n", cause);
		return (1);
	}
	fclose(f);
	json_decref(body);
	for (int i = 0; i < runs; i++) {
		t0 = now_s();
		if (fill_read(buf, len, &u, &errors) != 0) {
			fprintf(stderr, "duban-bench-fill: %s\n", json_dumps(errors, 0));
			return (1);
		}
		t = now_s() - t0;
		if (json_array_size(json_object_get(u.batch, "rows")) != 0) {
			fprintf(stderr, "duban-bench-fill: unchanged rows were sent\n");
			return (1);
		}
		fill_upload_free(&u);
		if (t < best)
			best = t;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%ld rows, %zu bytes: read in %.1f ms (%.1f µs per row), "
	    "peak RSS %ld kB\n", n, len, best * 1e3, best * 1e6 / (double)n,
	    ru.ru_maxrss);
	free(buf);
	return (0);
}
