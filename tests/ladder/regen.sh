#!/bin/sh
# regen.sh: write tests/ladder/expected/NAME.txt from the current pptp-analyze, for review by `git diff`.
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
ANALYZE=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
pw=$(mktemp)
trap 'rm -f "$pw"' EXIT
printf 'wonderland42\n' >"$pw"
grep -v '^#' tests/ladder/list | while read -r name cap opts; do
	[ -n "$name" ] || continue
	opts=$(printf '%s' "$opts" | sed "s|@PW@|$pw|g")
	# shellcheck disable=SC2086
	"$ANALYZE" --ladder $opts "$cap" >"tests/ladder/expected/$name.txt" 2>/dev/null
	echo "wrote tests/ladder/expected/$name.txt"
done
