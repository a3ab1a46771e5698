#!/bin/sh
# tests/cli/read.sh - `triage read` as a user runs it: files, stdin, errors.
# Needs TRIAGE (the binary) and TESTS_SRCDIR (tests/), set by `make check`.
set -u
: "${TRIAGE:?TRIAGE must point at the triage binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"

passed=0
failed=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

check() {
	# check NAME CONDITION...: counts and reports one assertion.
	name=$1; shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name" >&2
		sed 's/^/  stdout: /' "$out" | head -5 >&2
		sed 's/^/  stderr: /' "$err" | head -5 >&2
	fi
}

json_field() {
	# json_field FILE FILTER: a field of the JSON document, via jq.
	jq -r "$2" "$1"
}

# A file: exit 0, valid JSON, the decoded subject.
"$TRIAGE" read "$TESTS_SRCDIR/data/sv-html-latin1-qp.eml" >"$out" 2>"$err"
check "read file exits 0" test $? -eq 0
check "read file subject" test "$(json_field "$out" '.subject')" = "Var är min beställning?"
check "read file language" test "$(json_field "$out" '.language.code')" = "sv"

# Standard input gives the same view as the file.
"$TRIAGE" read --compact - <"$TESTS_SRCDIR/data/bg-cp1251-undeclared.eml" >"$out" 2>"$err"
check "read stdin exits 0" test $? -eq 0
check "read stdin one line" test "$(wc -l <"$out")" -eq 1
check "read stdin language" test "$(json_field "$out" '.language.code')" = "bg"

# Malformed input: what could be read, warnings, exit 0.
printf 'Subject: =?utf-8?B?!!!?=\nContent-Type: multipart/mixed\n\n\377\376 garbage\n' |
	"$TRIAGE" read - >"$out" 2>"$err"
check "malformed exits 0" test $? -eq 0
check "malformed has warnings" test "$(json_field "$out" '.warnings | length')" -gt 0

# Unreadable file: non-zero, one line on stderr naming the file, nothing on stdout.
"$TRIAGE" read /nonexistent/message.eml >"$out" 2>"$err"
status=$?
check "missing file exits non-zero" test $status -ne 0
check "missing file one error line" test "$(wc -l <"$err")" -eq 1
check "missing file names the file" grep -q "/nonexistent/message.eml" "$err"
check "missing file prints no JSON" test ! -s "$out"

# Usage errors.
"$TRIAGE" read >"$out" 2>"$err"
check "no file is a usage error" test $? -eq 64
"$TRIAGE" no-such-subcommand >"$out" 2>"$err"
check "unknown subcommand is a usage error" test $? -eq 64

echo "$passed passed, $failed failed"
test "$failed" -eq 0
