#!/bin/sh
# check-patterns.sh - lint the default rule files and check their examples
# with pcre2grep, until the engine's own rule tests exist.
#
# Usage: tests/rules/check-patterns.sh [RULEDIR [EXAMPLEDIR]]
#   RULEDIR     defaults to rules/cf beside this script's repository
#   EXAMPLEDIR  defaults to the directory of this script (examples-*.txt)
#
# What it checks (see triage-rules(5)):
#   - every line of every .cf file is a known statement, rule names are valid
#     and defined once across all files (files in byte order of their names);
#   - describe and score name a defined rule; score axes and values are valid;
#     every reported rule (name not starting with __) has a describe line and
#     a score line, and no __ rule has a score;
#   - meta rules only name rules defined before them in load order;
#   - eval rules use a known function and operator;
#   - every body and header pattern compiles (PCRE2, UTF + UCP, caseless
#     unless the I flag is given);
#   - every "+ RULE<TAB>text" / "- RULE<TAB>text" example of a body rule
#     fires / does not fire (text matched as one line, as the engine matches
#     an empty subject, a newline and the body), honouring the rule's
#     languages and the example's "lang CODE";
#   - every body rule has at least one + and one - example.
# Examples of eval and meta rules and "=" verdict lines cannot be checked
# with pcre2grep: they are counted as skipped (the engine's test runs them).
#
# Prints one line per failure and ends with "N passed, N failed, N skipped";
# exits 1 when anything failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
ruledir=${1:-$here/../../rules/cf}
exdir=${2:-$here}

if ! command -v pcre2grep >/dev/null 2>&1; then
	echo "check-patterns: pcre2grep not found" >&2
	exit 2
fi
if [ ! -d "$ruledir" ]; then
	echo "check-patterns: no rule directory $ruledir" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-patterns.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

LC_ALL=C
export LC_ALL

# Rule files in byte order of their names.
ls "$ruledir" | grep '\.cf$' | sort >"$tmp/files"
if [ ! -s "$tmp/files" ]; then
	echo "check-patterns: no .cf files in $ruledir" >&2
	exit 2
fi

# Pass 1: parse every rule file into records (tab-separated):
#   DEF  order file line kind name langs
#   PAT  name kind fFLAGS pattern         (body and header rules; the f
#        keeps the field non-empty: a tab is IFS white space to read)
#   META order file line name expression
#   EVAL file line name function op number
#   DESC file line name
#   SCORE file line name axis=value...
#   ERR  file line message
order=0
while read -r f; do
	awk -v file="$f" -v start="$order" '
	function err(msg) { printf "ERR\t%s\t%d\t%s\n", file, FNR, msg }
	# Splits "/pat/flags" or "m{pat}flags" in s; sets PAT and FLAGS.
	function delimited(s,   i, c) {
		PAT = ""; FLAGS = ""
		if (substr(s, 1, 1) == "/") {
			i = length(s)
			while (i > 1 && substr(s, i, 1) != "/") i--
			if (i <= 1) return 0
			PAT = substr(s, 2, i - 2); FLAGS = substr(s, i + 1)
		} else if (substr(s, 1, 2) == "m{") {
			i = length(s)
			while (i > 2 && substr(s, i, 1) != "}") i--
			if (i <= 2) return 0
			PAT = substr(s, 3, i - 3); FLAGS = substr(s, i + 1)
		} else
			return 0
		if (FLAGS !~ /^[iIx]*$/) return 0
		return 1
	}
	function validname(n) {
		return n ~ /^([A-Za-z]|__)[A-Za-z0-9_]*$/ && length(n) <= 64
	}
	BEGIN { n = start; language = "*" }
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		sub(/[ \t\r]+$/, "", line)
		if (line == "" || substr(line, 1, 1) == "#") next
		langs = language
		if (match(line, /^lang[ \t]+[^ \t]+[ \t]+/)) {
			split(line, w, /[ \t]+/); langs = w[2]
			line = substr(line, RLENGTH + 1)
		}
		split(line, w, /[ \t]+/)
		kw = w[1]; name = w[2]
		rest = line
		sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", rest)
		if (kw == "language") {
			if (name == "") err("language needs codes")
			language = name; next
		}
		if (kw == "body" || kw == "header" || kw == "meta" || kw == "eval") {
			if (!validname(name)) { err("bad rule name \"" name "\""); next }
			n++
			printf "DEF\t%d\t%s\t%d\t%s\t%s\t%s\n", n, file, FNR, kw, name, langs
		}
		if (kw == "body") {
			if (!delimited(rest)) { err("body " name ": pattern must be /.../FLAGS or m{...}FLAGS"); next }
			printf "PAT\t%s\t%s\tf%s\t%s\n", name, kw, FLAGS, PAT
		} else if (kw == "header") {
			if (!match(rest, /^[A-Za-z:-]+[ \t]+[=!]~[ \t]+/)) { err("header " name ": FIELD =~ /PATTERN/ expected"); next }
			p = substr(rest, RLENGTH + 1)
			if (!delimited(p)) { err("header " name ": bad pattern"); next }
			printf "PAT\t%s\t%s\tf%s\t%s\n", name, kw, FLAGS, PAT
		} else if (kw == "meta") {
			if (rest == "") { err("meta " name ": no expression"); next }
			printf "META\t%d\t%s\t%d\t%s\t%s\n", n, file, FNR, name, rest
		} else if (kw == "eval") {
			if (!match(rest, /^[a-z_]+\(\)[ \t]*(<=|>=|==|!=|<|>)[ \t]*-?[0-9]+(\.[0-9]+)?$/)) {
				err("eval " name ": FUNCTION() OP NUMBER expected"); next
			}
			fn = rest; sub(/\(.*/, "", fn)
			op = rest; sub(/^[^)]*\)[ \t]*/, "", op); num = op
			sub(/[ \t]*-?[0-9.]+$/, "", op); sub(/^(<=|>=|==|!=|<|>)[ \t]*/, "", num)
			printf "EVAL\t%s\t%d\t%s\t%s\t%s\t%s\n", file, FNR, name, fn, op, num
		} else if (kw == "describe") {
			if (rest == "") err("describe " name ": no text")
			printf "DESC\t%s\t%d\t%s\n", file, FNR, name
		} else if (kw == "score") {
			printf "SCORE\t%s\t%d\t%s\t%s\n", file, FNR, name, rest
		} else if (kw == "threshold") {
			if (line !~ /^threshold[ \t]+(urgency[ \t]+(critical|high|low)|complaint)[ \t]+-?[0-9]+(\.[0-9]+)?$/)
				err("bad threshold line")
		} else if (kw == "model_weight") {
			if (line !~ /^model_weight[ \t]+(urgency|complaint|analytical|personal|functional|intuitive|billing|delivery|defect|account|staff|personality|topic)[ \t]+-?[0-9]+(\.[0-9]+)?$/)
				err("bad model_weight line")
		} else if (kw == "default") {
			if (line !~ /^default[ \t]+personality[ \t]+(analytical|personal|functional|intuitive)$/)
				err("bad default line")
		} else if (kw != "body" && kw != "header" && kw != "meta" && kw != "eval") {
			err("unknown statement \"" kw "\"")
		}
	}
	END { printf "N\t%d\n", n }
	' "$ruledir/$f" >"$tmp/parse.$f" || exit 2
	order=$(awk -F'\t' '$1 == "N" { print $2 }' "$tmp/parse.$f")
	grep -v '^N	' "$tmp/parse.$f" >>"$tmp/all"
done <"$tmp/files"

pass=0
fail=0
skip=0
failure() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}

# Syntax errors.
while IFS='	' read -r _ f l msg; do
	[ -n "$f" ] || continue
	failure "$f:$l: $msg"
done <<EOF
$(grep '^ERR	' "$tmp/all")
EOF

grep '^DEF	' "$tmp/all" | cut -f2- >"$tmp/defs"        # order file line kind name langs
cut -f5 "$tmp/defs" | sort >"$tmp/names"

# Defined once.
for n in $(uniq -d "$tmp/names"); do
	failure "$n defined more than once: $(awk -F'\t' -v n="$n" '$5 == n { printf "%s:%s ", $2, $3 }' "$tmp/defs")"
done

# describe / score name existing rules; axes and values are valid.
while IFS='	' read -r kind f l n rest; do
	[ -n "$kind" ] || continue
	if ! grep -qx -- "$n" "$tmp/names"; then
		failure "$f:$l: $kind names undefined rule $n"
		continue
	fi
	if [ "$kind" = SCORE ]; then
		case $n in __*) failure "$f:$l: $n starts with __ and scores nothing" ;; esac
		[ -n "$rest" ] || failure "$f:$l: score $n has no AXIS=VALUE"
		for pair in $rest; do
			echo "$pair" | grep -Eq '^(urgency|complaint|analytical|personal|functional|intuitive|billing|delivery|defect|account|staff)=-?[0-9]+(\.[0-9]+)?$' ||
				failure "$f:$l: score $n: bad AXIS=VALUE \"$pair\""
		done
	fi
done <<EOF
$(grep -E '^(DESC|SCORE)	' "$tmp/all")
EOF

# Every reported rule is described and scored.
grep '^DESC	' "$tmp/all" | cut -f4 | sort -u >"$tmp/described"
grep '^SCORE	' "$tmp/all" | cut -f4 | sort -u >"$tmp/scored"
while IFS='	' read -r o f l k n langs; do
	case $n in __*) continue ;; esac
	grep -qx -- "$n" "$tmp/described" || failure "$f:$l: $n has no describe line"
	grep -qx -- "$n" "$tmp/scored" || failure "$f:$l: $n has no score line"
done <"$tmp/defs"

# eval functions and operators.
while IFS='	' read -r _ f l n fn op num; do
	[ -n "$n" ] || continue
	case $fn in
	caps_ratio|exclamations|questions|length|words|numbers|order_ids|versions|greeting|signoff|repeat_contact) ;;
	*) failure "$f:$l: eval $n: unknown function $fn()" ;;
	esac
done <<EOF
$(grep '^EVAL	' "$tmp/all")
EOF

# meta rules name only rules defined earlier in load order.
while IFS='	' read -r _ o f l n expr; do
	[ -n "$n" ] || continue
	rest=$(printf '%s' "$expr" | sed 's/&&\|||\|[!()+<>=]/ /g')
	for tok in $rest; do
		case $tok in
		[0-9]*|-[0-9]*) continue ;;
		esac
		if ! printf '%s' "$tok" | grep -Eq '^([A-Za-z]|__)[A-Za-z0-9_]*$'; then
			failure "$f:$l: meta $n: cannot read \"$tok\""
			continue
		fi
		dorder=$(awk -F'\t' -v n="$tok" '$5 == n { print $1; exit }' "$tmp/defs")
		if [ -z "$dorder" ]; then
			failure "$f:$l: meta $n names undefined rule $tok"
		elif [ "$dorder" -ge "$o" ]; then
			failure "$f:$l: meta $n names $tok, which is defined later in load order"
		fi
	done
done <<EOF
$(grep '^META	' "$tmp/all")
EOF

# Patterns: one file per rule, compiled once with empty input.
mkdir "$tmp/pat"
grep '^PAT	' "$tmp/all" | while IFS='	' read -r _ n kind flags pat; do
	pre='(*UCP)'
	case $flags in *x*) pre="$pre(?x)" ;; esac
	case $flags in *I*) opt= ;; *) opt=-i ;; esac
	printf '%s%s\n' "$pre" "$pat" >"$tmp/pat/$n"
	printf '%s\n' "$opt" >"$tmp/pat/$n.opt"
done
for p in "$tmp"/pat/*; do
	case $p in *.opt) continue ;; esac
	n=${p##*/}
	pcre2grep -u $(cat "$p.opt") -f "$p" </dev/null >/dev/null 2>"$tmp/cerr"
	if [ $? -eq 2 ]; then
		failure "pattern of $n does not compile: $(head -n 2 "$tmp/cerr" | tr '\n' ' ')"
		rm -f "$p"
	fi
done

# Examples.
: >"$tmp/seen"
for ex in "$exdir"/examples-*.txt; do
	[ -f "$ex" ] || continue
	exname=${ex##*/}
	lang=
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in
		''|'#'*) continue ;;
		"lang "*) lang=${line#lang }; continue ;;
		esac
		sign=${line%% *}
		case $sign in
		+|-) ;;
		=)
			case $line in
			*'	'*) ;;
			*) failure "$exname:$lineno: = line without a TAB before the text"; continue ;;
			esac
			keys=${line#= }; keys=${keys%%	*}
			for kv in $keys; do
				echo "$kv" | grep -Eq '^(urgency=(critical|high|normal|low)|complaint=(yes|no)|topic=(billing|delivery|defect|account|staff|other)|personality=(analytical|personal|functional|intuitive))$' ||
					failure "$exname:$lineno: bad verdict key \"$kv\""
			done
			skip=$((skip + 1))
			continue
			;;
		*)
			failure "$exname:$lineno: cannot read line"
			continue
			;;
		esac
		rest=${line#? }
		case $rest in
		*'	'*) ;;
		*) failure "$exname:$lineno: no TAB between rule and text"; continue ;;
		esac
		rule=${rest%%	*}
		text=${rest#*	}
		if [ -z "$lang" ]; then
			failure "$exname:$lineno: example before any lang line"
			continue
		fi
		def=$(awk -F'\t' -v n="$rule" '$5 == n { print $4 "\t" $6; exit }' "$tmp/defs")
		if [ -z "$def" ]; then
			failure "$exname:$lineno: unknown rule $rule"
			continue
		fi
		kind=${def%%	*}
		langs=${def#*	}
		if [ "$kind" != body ]; then
			skip=$((skip + 1))
			continue
		fi
		printf '%s\t%s\n' "$rule" "$sign" >>"$tmp/seen"
		applies=no
		case ",$langs," in *",*,"*|*",$lang,"*) applies=yes ;; esac
		if [ $applies = no ]; then
			if [ "$sign" = + ]; then
				failure "$exname:$lineno: + $rule: rule does not apply to lang $lang"
			else
				pass=$((pass + 1))
			fi
			continue
		fi
		[ -f "$tmp/pat/$rule" ] || { failure "$exname:$lineno: $rule has no usable pattern"; continue; }
		if printf '%s\n' "$text" | pcre2grep -u $(cat "$tmp/pat/$rule.opt") -q -f "$tmp/pat/$rule"; then
			hit=+
		else
			hit=-
		fi
		if [ "$hit" = "$sign" ]; then
			pass=$((pass + 1))
		elif [ "$sign" = + ]; then
			failure "$exname:$lineno: $rule should fire: $text"
		else
			m=$(printf '%s\n' "$text" | pcre2grep -u $(cat "$tmp/pat/$rule.opt") -o -f "$tmp/pat/$rule" | head -n 1)
			failure "$exname:$lineno: $rule should not fire (matched \"$m\"): $text"
		fi
	done <"$ex"
done

# Every body rule has a + and a - example.
for n in $(awk -F'\t' '$4 == "body" { print $5 }' "$tmp/defs"); do
	f=$(awk -F'\t' -v n="$n" '$5 == n { print $2 ":" $3 }' "$tmp/defs")
	grep -q "^$n	+\$" "$tmp/seen" || failure "$f: $n has no + example"
	grep -q "^$n	-\$" "$tmp/seen" || failure "$f: $n has no - example"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
