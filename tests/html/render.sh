#!/bin/sh
# tests/html/render.sh - the HTML report in a real browser. tests/html/make_page
# writes two pages from hand-built figures (twelve weeks with hostile group
# names; an empty week); headless Chromium parses them (--dump-dom), draws
# them at desktop and phone widths (--screenshot) and prints one to PDF.
# Checks: all seven SVGs and the four charts survive parsing, hostile names
# stay text, the console stays silent (a control page with a deliberate error
# proves the console check can see one), and the pictures are real PNGs of
# the asked size, well above the size of a blank page's.
#
# Needs MAKE_PAGE (else ./tests/html/make_page or the one next to this
# script). Skips (77) without Chromium. Everything happens in one temporary
# directory, HOME and the browser profile included, removed at the end; the
# whole run has RENDER_TIMEOUT seconds (60), each browser gets what is left
# and is killed with its process group by timeout(1) when it runs out.
set -u
# make distcheck runs the suite a third time: the end-to-end tests ran
# already in build/ and build-asan/ (scripts/test), so they skip there.
if [ "${TRIAGE_DISTCHECK_QUICK:-}" = 1 ]; then
	echo "SKIP: not repeated inside make distcheck (TRIAGE_DISTCHECK_QUICK=1)" >&2
	exit 77
fi

chromium=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chromium=$(command -v "$c")
		break
	fi
done
if [ -z "$chromium" ]; then
	echo "SKIP: chromium is not installed (scripts/install-deps installs it)" >&2
	exit 77
fi
if ! command -v timeout >/dev/null 2>&1; then
	echo "SKIP: timeout(1) is missing" >&2
	exit 77
fi

make_page=${MAKE_PAGE:-}
if [ -z "$make_page" ]; then
	for m in ./tests/html/make_page "$(dirname "$0")/make_page"; do
		if [ -x "$m" ]; then
			make_page=$m
			break
		fi
	done
fi
if [ -z "$make_page" ] || [ ! -x "$make_page" ]; then
	echo "ERROR: tests/html/make_page is not built (make check builds it)" >&2
	exit 99
fi

passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/render-html.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
mkdir "$tmp/home"
deadline=$(($(date +%s) + ${RENDER_TIMEOUT:-60}))

check() {
	# check NAME CONDITION...: counts and reports one assertion.
	name=$1; shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name" >&2
	fi
}

browse() {
	# browse LOG ARGS...: runs Chromium once with a private profile and HOME,
	# within what is left of the time budget. Its stdout is ours.
	log=$1; shift
	left=$((deadline - $(date +%s)))
	if [ "$left" -le 0 ]; then
		echo "out of time before: chromium $*" >"$log"
		return 124
	fi
	HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" \
	    timeout -k 5 "$left" "$chromium" --headless --no-sandbox --disable-gpu \
	    --no-first-run --no-default-browser-check --disable-extensions --disable-sync \
	    --disable-background-networking --disable-component-update --disable-crash-reporter \
	    --user-data-dir="$tmp/profile" --hide-scrollbars --enable-logging=stderr --v=0 \
	    "$@" 2>"$log"
}

console_quiet() {
	# console_quiet LOG: nothing on the page's console (no script runs there,
	# so any message is the browser complaining: CSP, a parse error...).
	if grep -q ':CONSOLE' "$1"; then
		grep ':CONSOLE' "$1" | head -5 >&2
		return 1
	fi
}

png_ok() {
	# png_ok FILE WIDTH HEIGHT: the PNG signature and IHDR size.
	[ -s "$1" ] || return 1
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
	# shellcheck disable=SC2046 # the eight bytes, split on purpose
	set -- "$1" "$2" "$3" $(od -An -tu1 -j16 -N8 "$1")
	[ $(($4 * 16777216 + $5 * 65536 + $6 * 256 + $7)) -eq "$2" ] || return 1
	[ $(($8 * 16777216 + $9 * 65536 + ${10} * 256 + ${11})) -eq "$3" ] || return 1
	if command -v file >/dev/null 2>&1; then
		file -b "$1" | grep -q "^PNG image data, $2 x $3" || return 1
	fi
}

pdf_ok() { [ -s "$1" ] && [ "$(head -c 5 "$1")" = "%PDF-" ]; }

size() { wc -c <"$1" | tr -d ' '; }

count() {
	# count PATTERN FILE: occurrences (not lines) of a fixed string.
	grep -oF -- "$1" "$2" | wc -l | tr -d ' '
}

# --- the pages ---------------------------------------------------------------
"$make_page" "$tmp/full.html"
check "make_page writes the full page" test $? -eq 0
"$make_page" --empty "$tmp/empty.html"
check "make_page writes the empty page" test $? -eq 0
printf '%s\n' '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>' \
    '<title>blank</title></head><body></body></html>' >"$tmp/blank.html"
printf '%s\n' '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>' \
    '<title>control</title></head><body><p>control</p>' \
    '<script>console.error("control message"); throw new Error("control");</script>' \
    '</body></html>' >"$tmp/control.html"

# --- the console check sees errors (else a quiet console proves nothing) -------
browse "$tmp/control.log" --dump-dom "file://$tmp/control.html" >"$tmp/control.dom"
check "control page: an uncaught error reaches the log" grep -q 'CONSOLE.*Uncaught Error: control' "$tmp/control.log"
if console_quiet "$tmp/control.log" 2>/dev/null; then
	failed=$((failed + 1))
	echo "FAIL: console_quiet missed the control page's error" >&2
else
	passed=$((passed + 1))
fi

# --- the full page: the DOM after parsing ---------------------------------------
browse "$tmp/full.log" --dump-dom "file://$tmp/full.html" >"$tmp/full.dom"
check "full page: chromium --dump-dom exits 0" test $? -eq 0
check "full page: console quiet" console_quiet "$tmp/full.log"
svgs=$(count '<svg' "$tmp/full.dom")
check "full page: 7 svg elements in the DOM (got $svgs)" test "$svgs" -eq 7
for id in chart-response chart-sla chart-backlog chart-groups; do
	check "full page: figure $id" grep -q "<figure id=\"$id\">" "$tmp/full.dom"
done
check "full page: 4 data tables" test "$(count '<table' "$tmp/full.dom")" -eq 4
check "full page: no script element" test "$(count '<script' "$tmp/full.dom")" -eq 0
check "full page: no injected svg" test "$(count '<svg onload' "$tmp/full.dom")" -eq 0
check "full page: the script name is text" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/full.dom"
check "full page: the svg name is text" grep -qF '"&gt;&lt;svg onload=alert(2)&gt;' "$tmp/full.dom"
check "full page: SVG titles survived" test "$(count '<title id="chart-' "$tmp/full.dom")" -eq 7

# --- pictures: desktop, phone, print -----------------------------------------------
browse "$tmp/blank.log" --screenshot="$tmp/blank.png" --window-size=1200,2000 "file://$tmp/blank.html" >/dev/null
check "blank page: screenshot" png_ok "$tmp/blank.png" 1200 2000
blank=$(size "$tmp/blank.png" 2>/dev/null || echo 0)

browse "$tmp/shot.log" --screenshot="$tmp/full.png" --window-size=1200,2000 "file://$tmp/full.html" >/dev/null
check "full page: screenshot exits 0" test $? -eq 0
check "full page: a 1200x2000 PNG" png_ok "$tmp/full.png" 1200 2000
full=$(size "$tmp/full.png" 2>/dev/null || echo 0)
check "full page: PNG ($full bytes) well above a blank page ($blank bytes)" test "$full" -gt $((blank * 5))
check "full page: console quiet while drawing" console_quiet "$tmp/shot.log"

browse "$tmp/phone.log" --screenshot="$tmp/phone.png" --window-size=390,2000 "file://$tmp/full.html" >/dev/null
check "phone width: a 390x2000 PNG" png_ok "$tmp/phone.png" 390 2000
phone=$(size "$tmp/phone.png" 2>/dev/null || echo 0)
check "phone width: PNG ($phone bytes) not blank" test "$phone" -gt $((blank * 2))

browse "$tmp/pdf.log" --no-pdf-header-footer --print-to-pdf="$tmp/full.pdf" "file://$tmp/full.html" >/dev/null
check "print: a PDF" pdf_ok "$tmp/full.pdf"
pdf=$(size "$tmp/full.pdf" 2>/dev/null || echo 0)
check "print: PDF of $pdf bytes" test "$pdf" -gt 20000

# --- the empty page -------------------------------------------------------------------
browse "$tmp/empty.log" --dump-dom "file://$tmp/empty.html" >"$tmp/empty.dom"
check "empty page: console quiet" console_quiet "$tmp/empty.log"
svgs=$(count '<svg' "$tmp/empty.dom")
check "empty page: 7 svg elements in the DOM (got $svgs)" test "$svgs" -eq 7
check "empty page: says there were no tickets" grep -q 'No tickets in the period' "$tmp/empty.dom"
browse "$tmp/empty-shot.log" --screenshot="$tmp/empty.png" --window-size=1200,2000 "file://$tmp/empty.html" >/dev/null
check "empty page: a 1200x2000 PNG" png_ok "$tmp/empty.png" 1200 2000
empty=$(size "$tmp/empty.png" 2>/dev/null || echo 0)
check "empty page: PNG ($empty bytes) not blank" test "$empty" -gt $((blank * 3))

if [ -n "${RENDER_KEEP:-}" ]; then
	mkdir -p "$RENDER_KEEP" && cp "$tmp"/*.png "$tmp"/*.pdf "$tmp"/*.html "$RENDER_KEEP"/
fi
echo "render.sh: full page PNG $full bytes, phone $phone, empty $empty, blank $blank; PDF $pdf"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
