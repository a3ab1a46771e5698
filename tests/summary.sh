#!/bin/sh
# tests/summary.sh BUILDDIR... - one line adding up every test run's checks.
#
# Check programs print "NN%: Checks: N, Failures: F, Errors: E"; the shell
# tests print "N passed, N failed"; a test that printed neither counts once
# by its automake result. Prints "N passed, N failed, N skipped".
set -u
passed=0 failed=0 skipped=0
for dir in "$@"; do
	for trs in $(find "$dir" -name '*.trs' | sort); do
		log=${trs%.trs}.log
		result=$(sed -n 's/^:test-result: //p' "$trs" | head -1)
		check=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -1)
		plain=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
		if [ "$result" = SKIP ]; then
			skipped=$((skipped + 1))
		elif [ -n "$check" ]; then
			n=$(echo "$check" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
			f=$(echo "$check" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
			e=$(echo "$check" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
			passed=$((passed + n - f - e))
			failed=$((failed + f + e))
		elif [ -n "$plain" ]; then
			p=$(echo "$plain" | sed -E 's/^([0-9]+) passed.*/\1/')
			f=$(echo "$plain" | sed -E 's/.* ([0-9]+) failed.*/\1/')
			passed=$((passed + p))
			failed=$((failed + f))
		elif [ "$result" = PASS ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		# A program that crashed after printing a clean summary still failed.
		case "$result" in FAIL|ERROR|XPASS) [ -n "$check$plain" ] && [ "$failed" -eq 0 ] && failed=1 ;; esac
	done
done
echo "$passed passed, $failed failed, $skipped skipped"
