#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs fuzz targets one after the other, each for a fixed time, and prints
# one line per target. Exits 1 if any target crashed, timed out, ran out of
# memory or violated an invariant.
#
# Usage: tests/fuzz/run.sh OUT_DIR SECONDS TARGET...
#   OUT_DIR holds <target>_fuzz binaries and seeds/<target>/ (see rules.mk).
#   Per target it keeps the growing corpus in corpus/<target>/, the log of
#   the last run in logs/<target>.log and crashing inputs in
#   artifacts/<target>/. Inputs committed under tests/fuzz/corpus/<target>/
#   (regressions, interesting cases) are replayed first.
set -uo pipefail

dir=$1
secs=$2
shift 2
failed=0

for t in "$@"; do
    bin=$dir/${t}_fuzz
    corpus=$dir/corpus/$t
    artifacts=$dir/artifacts/$t
    log=$dir/logs/$t.log
    mkdir -p "$corpus" "$artifacts" "$dir/logs"
    if [ -d "$dir/seeds/$t" ]; then
        cp -n "$dir/seeds/$t"/* "$corpus"/ 2>/dev/null || true
    fi
    extra=()
    if [ -d "tests/fuzz/corpus/$t" ] && [ -n "$(ls -A "tests/fuzz/corpus/$t")" ]; then
        extra=("tests/fuzz/corpus/$t")
    fi

    # A single input must never take seconds; other work shares the machine.
    UBSAN_OPTIONS=print_stacktrace=1 nice -n 10 "$bin" -max_total_time="$secs" -max_len=8192 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" ${extra[@]+"${extra[@]}"} >"$log" 2>&1
    rc=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+.* cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 |
        sed -E 's/.* cov: ([0-9]+) ft: ([0-9]+).*/cov \1, ft \2/')
    if [ $rc -eq 0 ]; then
        echo "fuzz/$t: ${runs:-?} runs in ${took:-$secs} s (${cov:-no coverage data}), no crash"
        continue
    fi
    failed=1
    saved=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    why=$(grep -m 1 -E '^(==[0-9]+==ERROR|INVARIANT VIOLATED|PANIC:|SUMMARY:|.*runtime error:|==[0-9]+== ERROR: libFuzzer)' "$log" |
        sed -E 's/^==[0-9]+== ?//')
    if [ -n "$saved" ]; then
        echo "fuzz/$t: CRASH, input saved as $saved"
    else
        echo "fuzz/$t: FAILED (exit $rc), no input saved"
    fi
    echo "    ${why:-see the log}"
    echo "    log: $log; replay: $bin <input>  (FUZZ_LOG=1 prints the core's log lines)"
done
exit $failed
