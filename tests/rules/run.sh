#!/bin/sh
# run.sh: every rule of the catalog has a capture that triggers it and a clean capture that does not.
# tests/rules/list-* hold lines
#   RULE-ID  TRIGGER  CLEAN  [OPTIONS...]
# TRIGGER and CLEAN are crafted capture names (build/captures/NAME.pcap) or paths with a '/';
# OPTIONS go to pptp-analyze for both runs (e.g. --password secret).  A rule of the catalog
# listed nowhere is a failure too.
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
ANALYZE=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
pass=0 fail=0
out=$(mktemp) seen=$(mktemp)
trap 'rm -f "$out" "$seen"' EXIT

cap() {
	case $1 in
	*/*) echo "$1" ;;
	*) echo "build/captures/$1.pcap" ;;
	esac
}

for list in tests/rules/list-*; do
	[ -f "$list" ] || continue
	while read -r rule trig clean opts; do
		case $rule in ''|'#'*) continue ;; esac
		echo "$rule" >>"$seen"
		# shellcheck disable=SC2086
		"$ANALYZE" --json --fail-on none $opts "$(cap "$trig")" >"$out" 2>&1
		if grep -q "\"rule\":\"$rule\"" "$out"; then
			pass=$((pass + 1))
		else
			echo "FAIL $rule: not reported on $trig ($list)"
			fail=$((fail + 1))
		fi
		# shellcheck disable=SC2086
		"$ANALYZE" --json --fail-on none $opts "$(cap "$clean")" >"$out" 2>&1
		if grep -q "\"rule\":\"$rule\"" "$out"; then
			echo "FAIL $rule: reported on the clean capture $clean ($list)"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done <"$list"
done

# coverage: every rule in the catalog
for rule in $("$ANALYZE" --list-rules | awk '{print $1}'); do
	if grep -qx "$rule" "$seen"; then
		pass=$((pass + 1))
	else
		echo "FAIL $rule: no capture in tests/rules/list-* triggers it"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
