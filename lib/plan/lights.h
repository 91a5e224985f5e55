/*
 * plan.lights in a plan file: the 红黄绿灯 thresholds and the 临期 days
 * (docs/plan-format.md).
 */
#ifndef DUBAN_PLAN_LIGHTS_H
#define DUBAN_PLAN_LIGHTS_H

#include <jansson.h>

#include "yfield.h"

/*
 * {yellow, red, due_soon_days} from the plan header hdr's lights, the
 * defaults filling in what it leaves out; JSON null when there is none
 * or it is wrong (the errors are in y, at the value's FILE:LINE:COLUMN).
 */
json_t	*plan_lights_parse(struct yfield_ctx *y, const struct ynode *hdr);

#endif
