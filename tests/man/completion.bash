# tests/man/completion.bash ANALYZE CONFORM: completion/pptp-suite.bash sourced in bash, the completion functions
# called as readline would (COMP_WORDS split as bash splits them: "--opt=v" is "--opt" "=" "v"), COMPREPLY checked.
# Prints one "ok NAME" or "FAIL NAME" line per case; exit status 1 on a failure.
ANALYZE=$1
CONFORM=$2
. completion/pptp-suite.bash || exit 1
fails=0
tmp=$(mktemp -d /tmp/pptp-comp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

comp() { # comp FUNC WORD...: the completions of the last word
	local f=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$f" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() { # expect NAME WANTED GOT: WANTED (lines) is exactly GOT
	if [[ $2 == "$3" ]]; then
		echo "ok   completion: $1"
	else
		echo "FAIL completion: $1"
		echo "     wanted: $(echo $2)"
		echo "     got:    $(echo $3)"
		fails=$((fails + 1))
	fi
}
has() { # has NAME WORD GOT: WORD is one of the lines of GOT
	if grep -qxF -- "$2" <<<"$3"; then
		echo "ok   completion: $1"
	else
		echo "FAIL completion: $1 (no '$2' in: $(echo $3))"
		fails=$((fails + 1))
	fi
}

# pptp-analyze
expect "pptp-analyze --fa" "--fail-on" "$(comp _pptp_analyze "$ANALYZE" --fa)"
expect "pptp-analyze --pass" "$(printf -- '--password\n--password-file\n--password-policy')" "$(comp _pptp_analyze "$ANALYZE" --pass)"
expect "pptp-analyze --fail-on w" "warning" "$(comp _pptp_analyze "$ANALYZE" --fail-on w)"
expect "pptp-analyze --list-rules=" "$(printf 'json\nmarkdown\ntext')" "$(comp _pptp_analyze "$ANALYZE" --list-rules =)"
expect "pptp-analyze --list-rules=m" "markdown" "$(comp _pptp_analyze "$ANALYZE" --list-rules = m)"
expect "pptp-analyze -r captures/real/wrong-pa" "captures/real/wrong-password.pcap" \
	"$(comp _pptp_analyze "$ANALYZE" -r captures/real/wrong-pa | grep -v '\.log$')"
has "pptp-analyze captures/real/mschapv2-mppe1 (a capture, no option)" captures/real/mschapv2-mppe128.pcap \
	"$(comp _pptp_analyze "$ANALYZE" --json captures/real/mschapv2-mppe1)"
has "pptp-analyze -i l" lo "$(comp _pptp_analyze "$ANALYZE" -i l)"
expect "pptp-analyze --color=a" "$(printf 'always\nauto')" "$(comp _pptp_analyze "$ANALYZE" --color = a)"
expect "pptp-analyze --user a (nothing to offer)" "" "$(comp _pptp_analyze "$ANALYZE" --user a)"
all=$("$ANALYZE" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
expect "pptp-analyze -- offers every long option of --help" "$all" "$(comp _pptp_analyze "$ANALYZE" --)"

# pptp-conform
ids=$("$CONFORM" --list | awk '$1 ~ /^ctrl-/ { print $1 }' | sort)
[[ -n $ids ]] || { echo "FAIL completion: no ctrl- scenarios in $CONFORM --list"; fails=$((fails + 1)); }
expect "pptp-conform --scenario ctrl-" "$ids" "$(comp _pptp_conform "$CONFORM" --scenario ctrl-)"
expect "pptp-conform -s ctrl-" "$ids" "$(comp _pptp_conform "$CONFORM" --target 192.0.2.1 -s ctrl-)"
ids=$("$CONFORM" --list | awk '$1 ~ /^echo-/ { print $1 }' | sort)
expect "pptp-conform --scenario=echo-" "$ids" "$(comp _pptp_conform "$CONFORM" --scenario = echo-)"
mkdir -p "$tmp/lib"
printf 'title "mine"\nrfc "RFC 2637 2.6"\nctrl open\n' >"$tmp/lib/my-own.pptp"
printf 'title "other"\nrfc "RFC 2637 2.6"\nctrl open\n' >"$tmp/lib/my-other.pptp"
expect "pptp-conform --scenarios DIR -s my-" "$(printf 'my-other\nmy-own')" \
	"$(comp _pptp_conform "$CONFORM" --scenarios "$tmp/lib" -s my-)"
expect "pptp-conform --tar" "--target" "$(comp _pptp_conform "$CONFORM" --tar)"
expect "pptp-conform -d conformance/scen" "conformance/scenarios" "$(comp _pptp_conform "$CONFORM" -d conformance/scen)"
has "pptp-conform --run conformance/scenarios/session-b" conformance/scenarios/session-basic.pptp \
	"$(comp _pptp_conform "$CONFORM" --run conformance/scenarios/session-b)"
expect "pptp-conform --target 1 (nothing to offer)" "" "$(comp _pptp_conform "$CONFORM" --target 1)"
all=$("$CONFORM" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
expect "pptp-conform -- offers every long option of --help" "$all" "$(comp _pptp_conform "$CONFORM" --)"

# registered for the installed names
complete -p pptp-analyze 2>/dev/null | grep -q _pptp_analyze && complete -p pptp-conform 2>/dev/null | grep -q _pptp_conform &&
	echo "ok   completion: registered for pptp-analyze and pptp-conform" ||
	{ echo "FAIL completion: not registered"; fails=$((fails + 1)); }
((fails == 0))
