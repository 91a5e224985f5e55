/*
 * duband: the daemon.  Issue 3 builds it out; until then it only checks
 * plan files (-n), so that the build has its target.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "load.h"
#include "log.h"

int
main(int argc, char **argv)
{
	struct diags	 d;
	json_t		*plans;

	log_init("duband", LOG_MODE_DAEMON, 0);
	if (argc >= 2 && strcmp(argv[1], "-n") == 0) {
		diags_init(&d);
		plans = load_read_files(argv + 2, argc - 2, &d);
		diags_print(&d, stderr);
		diags_free(&d);
		if (plans == NULL)
			return (65);
		json_decref(plans);
		printf("configuration OK\n");
		return (0);
	}
	fprintf(stderr, "usage: duband -n plan.yaml...\n");
	return (64);
}
