#!/bin/sh
# tests/doc/conf-keys.sh - triage-milter.conf(5) documents exactly the
# settings the defaults table has (triage-milter -T), no more, no fewer,
# each with the default the table gives (paths aside: the page names the
# installed ones). Needs MILTER and TESTS_SRCDIR.
set -u
: "${MILTER:?MILTER must point at the triage-milter binary}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must point at tests/}"
page="$TESTS_SRCDIR/../doc/triage-milter.conf.5"
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$MILTER" -T | cut -f1 | sort >"$tmp/table"
# Each setting is a tagged paragraph: .TP, then .BI "Key " TYPE
awk '/^\.TP/ { getline; if ($1 == ".BI") { gsub(/"/, "", $2); print $2 } }' "$page" | sort >"$tmp/page"
if cmp -s "$tmp/table" "$tmp/page" && [ -s "$tmp/table" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: triage-milter.conf(5) and the defaults table differ (< table, > page):" >&2
	diff "$tmp/table" "$tmp/page" >&2
fi
# Defaults: every non-path default of the table appears as "Default: X." in its paragraph.
"$MILTER" -T | while IFS="$(printf '\t')" read -r key type dflt help; do
	case "$type" in path*) continue ;; esac
	# groff's \- is a plain minus to the reader.
	if ! awk -v k="$key" '/^\.TP/ { getline; on = ($1 == ".BI" && $2 == "\"" k) } on' "$page" |
		sed 's/\\-/-/g' | grep -qF "Default: $dflt."; then
		echo "$key"
	fi
done >"$tmp/wrong"
if [ ! -s "$tmp/wrong" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: defaults not as in the table for: $(tr '\n' ' ' <"$tmp/wrong")" >&2
fi
# The page renders without warnings.
if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww "$page" 2>"$tmp/warn" >/dev/null && [ ! -s "$tmp/warn" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "FAIL: groff warns:" >&2; cat "$tmp/warn" >&2
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
