#!/bin/bash
# Plan drafts (duban plan draft): for each seed document
# (tests/fixtures/seeds, see INDEX.md there), the recall and precision of
# its draft against the shipped plan that encodes it, for tasks (number
# and title), targets (value and unit), lead offices, responsible offices
# and deadlines (as dates against the plan's year), with whether the
# draft found the plan's year and how many 待核对 it marked.  The same
# comparison as the draft test (tests/unit/draft-score.c), which fails
# when a figure falls below what is recorded there.  Goal: 0.9 or more
# for each.  Release build in build/.
#
#   bench/draft.sh
source "$(dirname "$0")/../scripts/common.sh"

build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$DUBAN_ROOT/build/bench/duban-bench-draft" "$DUBAN_ROOT"
