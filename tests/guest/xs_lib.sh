#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Shared by the tests of the toolstack's XenStore nodes (vbd.sh, vif.sh),
# which source it: not a test itself (run alone it prints nothing). TEST
# lines name $test_name.

# shellcheck disable=SC2154 # test_name: set by the test that sources this
pass() { echo "TEST PASS $test_name-$1"; }
fail() { echo "TEST FAIL $test_name-$1: $2"; }
oneline() { tr '\n' ' ' | sed 's/ $//'; }

# One key: its value must be want. $1 check name, $2 path, $3 want.
key_is() {
    got=$(xenstore-read "$2" 2>&1)
    if [ "$got" = "$3" ]; then
        return 0
    fi
    fail "$1" "$2 is '$(echo "$got" | oneline)', not '$3'"
    return 1
}
