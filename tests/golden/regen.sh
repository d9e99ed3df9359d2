#!/bin/sh
# regen.sh: rewrite tests/golden/expected/ from the current analyzer; review with `git diff`.
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
ANALYZE=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
mkdir -p tests/golden/expected
while read -r name cap fmt opts; do
	case $name in ''|'#'*) continue ;; esac
	if [ ! -f "$cap" ]; then
		echo "regen: $cap is missing (make captures first): nothing written" >&2
		exit 2
	fi
	case $fmt in text) fopt= ;; *) fopt=--$fmt ;; esac
	# shellcheck disable=SC2086
	"$ANALYZE" $fopt $opts "$cap" >"tests/golden/expected/$name.$fmt" 2>/dev/null
	echo "exit $?" >>"tests/golden/expected/$name.$fmt"
done < tests/golden/TESTLIST
echo "regenerated; review with: git diff tests/golden/expected"
