#!/bin/sh
# fuzz/build.sh - builds the libFuzzer harnesses with clang, ASan and UBSan.
#
# Standalone on purpose: it compiles the few sources the harnesses need
# straight from the checkout into fuzz/build/ (FUZZ_BUILD overrides), with
# no configure run and nothing shared with the autotools build, so the gcc
# build and `make distcheck` never see it. Hyperscan is left out (the
# prefilter is an optimisation with a compile thread of its own); body
# rules run on PCRE2 alone, as they do where libhs is missing.
#
#   fuzz/build.sh            # builds fuzz/build/fuzz_* (incrementally)
#   CC=clang-14 CXX=clang++-14 fuzz/build.sh
#
# Exits 77 when clang cannot build a libFuzzer program (not installed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${FUZZ_BUILD:-$here/build}
CC=${CC:-clang}
CXX=${CXX:-clang++}
case "$CC" in *clang*) ;; *) CC=clang CXX=clang++ ;; esac
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

HARNESSES="fuzz_message fuzz_ruleset fuzz_config fuzz_ack_template fuzz_ack_suppress fuzz_sla"

mkdir -p "$out/obj"
probe="$out/probe"
if ! printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
	"$CC" -x c -fsanitize=fuzzer,address,undefined -o "$probe" - >/dev/null 2>&1; then
	echo "fuzz/build.sh: $CC cannot build libFuzzer programs (install clang libclang-rt-14-dev)" >&2
	exit 77
fi
rm -f "$probe"

pkgs="gmime-3.0 glib-2.0 json-glib-1.0 libxml-2.0 libpcre2-8"
PKG_CFLAGS=$(pkg-config --cflags $pkgs)
PKG_LIBS=$(pkg-config --libs $pkgs)

# The library code: instrumented for coverage (fuzzer-no-link) and checked.
# -fno-sanitize-recover makes every UBSan report a crash the fuzzer keeps.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
COMMON="-g -O1 $SAN -fsanitize=fuzzer-no-link \
	-I$out -I$top -I$top/rules -I$top/db -I$top/milter \
	-DTRIAGE_DATADIR=\"/nonexistent\" -DTRIAGE_SYSCONFDIR=\"/nonexistent\" \
	-DTRIAGE_SRCDIR=\"$top\" -DFUZZ_SRCDIR=\"$top\" $PKG_CFLAGS"

# rules/prefilter.c includes config.h for HAVE_HYPERSCAN; ours has none.
[ -f "$out/config.h" ] || echo '/* fuzz build: no Hyperscan */' >"$out/config.h"

SOURCES="rules/charset.c rules/warn.c rules/html2text.c rules/quote.c rules/langid.cc
	rules/message.c rules/message_json.c rules/jsonout.c rules/textstats.c rules/verdict.c
	rules/ruleset.c rules/classify.c rules/prefilter.c rules/model.c
	db/sla.c milter/conf.c milter/ack_template.c milter/ack_suppress.c"

# One compile per changed source, $jobs at a time.
compile() {
	src=$1
	obj="$out/obj/$(echo "$src" | tr / _).o"
	if [ -f "$obj" ] && [ "$obj" -nt "$top/$src" ] && [ "$obj" -nt "$0" ] &&
		! find "$top/rules" "$top/db" "$top/milter" -name '*.h' -newer "$obj" | grep -q .; then
		return 0
	fi
	case "$src" in
	*.cc) "$CXX" $COMMON -std=gnu++17 -c "$top/$src" -o "$obj" ;;
	*) "$CC" $COMMON -std=gnu11 -Wall -Wextra -c "$top/$src" -o "$obj" ;;
	esac
}
fail=0
pids=""
n=0
for src in $SOURCES fuzz/fuzz_message.c fuzz/fuzz_ruleset.c fuzz/fuzz_config.c \
	fuzz/fuzz_ack_template.c fuzz/fuzz_ack_suppress.c fuzz/fuzz_sla.c; do
	compile "$src" &
	pids="$pids $!"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		for p in $pids; do wait "$p" || fail=1; done
		pids="" n=0
	fi
done
for p in $pids; do wait "$p" || fail=1; done
[ "$fail" -eq 0 ] || { echo "fuzz/build.sh: compile failed" >&2; exit 1; }

libobjs=""
for src in $SOURCES; do libobjs="$libobjs $out/obj/$(echo "$src" | tr / _).o"; done
for h in $HARNESSES; do
	"$CXX" -g $SAN -fsanitize=fuzzer -o "$out/$h" "$out/obj/fuzz_$h.c.o" $libobjs \
		$PKG_LIBS -lcld2 -lm -lpthread
done
echo "fuzz/build.sh: built $(echo $HARNESSES | wc -w) harnesses in $out"
