#!/bin/bash
# The test runner behind `make check` (quick) and `make check-slow` (slow).
# Every test is one command; the runner prints PASS/FAIL per test and ends with
# "N passed, N failed".  Exit status is non-zero if anything failed.
set -u
mode=${1:-quick}
B=${B:-build}
cd "$(dirname "$0")/.."
pass=0
fail=0
failed=()
logdir=$B/test-logs
mkdir -p "$logdir"

run() {   # run NAME COMMAND...
    local name=$1; shift
    local log=$logdir/$name.log
    mkdir -p "$(dirname "$log")"
    local start=$(date +%s%N)
    if "$@" >"$log" 2>&1; then
        pass=$((pass + 1))
        local ms=$(( ($(date +%s%N) - start) / 1000000 ))
        printf 'PASS %-40s %4d.%03ds\n' "$name" $((ms / 1000)) $((ms % 1000))
    else
        fail=$((fail + 1))
        failed+=("$name")
        printf 'FAIL %-40s (log: %s)\n' "$name" "$log"
        tail -n 15 "$log" | sed 's/^/    /'
    fi
}

# Unit tests
for t in $B/tests/unit/test-*; do
    [ -x "$t" ] || continue
    run "unit/$(basename "$t")" "$t"
done

# Guest programs
for g in $B/tests/guests/*.bin; do
    [ -f "$g" ] || continue
    # the interpreter explicitly: on VT-x/AMD-V hosts KVM is the default
    # (tests/scripts/kvm-guests.sh runs them under KVM)
    run "guest/$(basename "$g" .bin)" env GUEST_EXTRA_FLAGS="-accel interp" tests/guests/run-guest.sh "$B/tandem" "$g" 60
done

# Oracle: differential runs against Unicorn
if [ -x "$B/tandem-oracle" ] && [ -f tests/oracle/runs.txt ]; then
    while read -r tmode tname args; do
        case "$tmode" in "#"*|"") continue ;; esac
        [ "$tmode" = "$mode" ] || [ "$tmode" = "both" ] || continue
        run "oracle/$tname" sh -c "$B/tandem-oracle $args"
    done < tests/oracle/runs.txt
fi

# Other scripted tests (tests/scripts/NAME.sh), quick ones and, with slow, the rest
for s in tests/scripts/*.sh; do
    [ -f "$s" ] || continue
    case "$s" in *.slow.sh) [ "$mode" = slow ] || continue ;; esac
    run "script/$(basename "$s" .sh)" bash "$s" "$B"
done

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
