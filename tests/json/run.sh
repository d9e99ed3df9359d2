#!/bin/sh
# run.sh: every JSON line of every capture under captures/ against the field tables of docs/json.md.
# The tables (| member | type | presence | meaning |, one section per "## `type`") are read from the document
# itself, so the document and the program cannot drift apart: each line's type must be documented, each
# member must be in its table with the documented JSON type, every member marked `always` must be there,
# every verdict code must be in the document's list, and that list must be the program's (lib/verdict.c).
# Prints "N passed, N failed" (one check per line of output and per list comparison).
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
A=${ANALYZE:-$SAN/pptp-analyze}
DOC=${DOC:-docs/json.md}
export TZ=UTC LC_ALL=C
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "FAIL jq is not installed (make deps)"
	echo "0 passed, 1 failed"
	exit 1
fi

# docs/json.md tables -> {"capture": {"file": ["string", "always"], ...}, ...}
awk -F'|' '
	/^## `/ {
		h = $0; sub(/^## /, "", h); sub(/ \(.*/, "", h); nsec = 0
		while (match(h, /`[^`]*`/)) { sec[++nsec] = substr(h, RSTART + 1, RLENGTH - 2); h = substr(h, RSTART + RLENGTH) }
		next
	}
	/^## / { nsec = 0; next }
	nsec && /^\| / && $2 !~ /^ *member *$/ && $2 !~ /^-+$/ {
		t = $3; gsub(/ /, "", t); p = $4; gsub(/ /, "", p)
		n = split($2, names, ",")
		for (j = 1; j <= nsec; j++)
			for (i = 1; i <= n; i++) { m = names[i]; gsub(/[ `]/, "", m); if (m != "") print sec[j], m, t, p }
	}' "$DOC" >"$tmp/fields"
jq -R -n '[inputs | split(" ") | {s: .[0], m: .[1], t: .[2], p: .[3]}]
	| reduce .[] as $f ({}; .[$f.s][$f.m] = [$f.t, $f.p])' <"$tmp/fields" >"$tmp/schema.json"
# the verdict codes the document lists, and the ones the program has
sed -n '/^Verdict codes/,/^See docs/p' "$DOC" | grep -o '`[a-z-]*`' | tr -d '`' | sort -u >"$tmp/doc-codes"
sed -n '/pt_verdict_code_vs\[\] = {/,/^};/p' lib/verdict.c | grep -o '"[a-z-]*"' | tr -d '"' | sort -u >"$tmp/prog-codes"
jq -R -n '[inputs]' <"$tmp/doc-codes" >"$tmp/codes.json"

if [ "$(wc -l <"$tmp/fields")" -gt 40 ] && [ -s "$tmp/doc-codes" ]; then pass=$((pass + 1)); else
	echo "FAIL $DOC: field tables or verdict code list not found"; fail=$((fail + 1)); fi
if cmp -s "$tmp/doc-codes" "$tmp/prog-codes"; then pass=$((pass + 1)); else
	echo "FAIL verdict codes: $DOC and lib/verdict.c differ (< document, > program):"
	diff "$tmp/doc-codes" "$tmp/prog-codes" | grep '^[<>]' | sed 's/^/    /'
	fail=$((fail + 1))
fi

check='
def jt: if type == "boolean" then "bool" else type end;
# the members of object $v against table $s, named $n in messages
def members($v; $s; $n):
	[$v | keys[] | select($s[.] == null) | "\($n): member \(.) is not in the table"]
	+ [$s | to_entries[] | .key as $k | select(.value[1] == "always" and ($v | has($k) | not)) | "\($n): member \($k) marked always is missing"]
	+ [$s | to_entries[] | .key as $k | .value[0] as $t | select($v | has($k)) | select(($v[$k] | jt) != $t) | "\($n): member \($k) is \($v[$k] | jt), the table says \($t)"];
. as $o
| if (type != "object") then "not an object"
  elif ($schema[$o.type // ""] == null) then "undocumented line type \($o.type)"
  else (members($o; $schema[$o.type]; $o.type)
     + [$schema | to_entries[] | select(.key | startswith($o.type + ".")) | (.key | ltrimstr($o.type + ".")) as $m
        | select($o | has($m)) | if ($o[$m] | type) == "object" then members($o[$m]; .value; .key)[] else "\(.key) is not an object" end]
     + (if $o.type == "verdict" and ($codes | index([$o.verdict]) | not) then ["verdict code \($o.verdict) is not documented"] else [] end))
  | if length == 0 then "ok" else .[] end
  end'

one() { # CAPTURE [OPTIONS...]
	f=$1
	shift
	"$A" --json --fail-on none "$@" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -gt 1 ] && ! grep -q '^{' "$tmp/out"; then
		case $f in *.inner*.pcap) return ;; esac
		echo "FAIL $f $*: exit $rc: $(head -1 "$tmp/err")"
		fail=$((fail + 1))
		return
	fi
	if ! jq -r --slurpfile schema0 "$tmp/schema.json" --slurpfile codes0 "$tmp/codes.json" \
		"\$schema0[0] as \$schema | \$codes0[0] as \$codes | $check" "$tmp/out" >"$tmp/res" 2>"$tmp/jqerr"; then
		echo "FAIL $f $*: not JSON Lines: $(head -1 "$tmp/jqerr")"
		fail=$((fail + 1))
		return
	fi
	n=$(grep -c '^ok$' "$tmp/res")
	pass=$((pass + n))
	if grep -qv '^ok$' "$tmp/res"; then
		grep -v '^ok$' "$tmp/res" | sort | uniq -c | sed "s|^ *\([0-9]*\) |FAIL $f $*: (\1x) |"
		fail=$((fail + $(grep -cv '^ok$' "$tmp/res")))
	fi
}

for f in captures/real/*.pcap; do
	[ -f "$f" ] || continue
	one "$f"
	one "$f" --password wonderland42
	one "$f" --password wonderland42 --audit --wordlist tests/audit/words.txt --password-policy min=10,classes=3
done
for f in build/captures/*.pcap; do
	[ -f "$f" ] || continue
	one "$f"
	one "$f" --password clientPass
	case $f in */a-*) one "$f" --audit --wordlist tests/audit/words.txt --password-policy min=10,classes=3 ;; esac
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
