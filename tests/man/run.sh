#!/bin/sh
# tests/man/run.sh: the manual pages (mandoc lint, options in step with --help, the scenario language in step with
# its reader and docs/scenarios.md, examples that parse), make install into a staging root, bash completion.
# Last line "N passed, N failed"; exit status non-zero on a failure.
: "${PT_TOP:=.}"
cd "$PT_TOP" || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/     /'; }
check() { # check NAME CMD...: passes when CMD exits 0; its output is shown on a failure
	name=$1
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
tmp=$(mktemp -d /tmp/pptp-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ANALYZE=${PT_ANALYZE:-bin/pptp-analyze}
CONFORM=${PT_CONFORM:-bin/pptp-conform}
PAGES="man/pptp-analyze.1 man/pptp-conform.1 man/pptp-scenario.5"

# 1. mandoc lint, warnings included: no output at all
if command -v mandoc >/dev/null 2>&1; then
	for p in $PAGES; do
		out=$(mandoc -T lint -W warning "$p" 2>&1)
		if [ $? -eq 0 ] && [ -z "$out" ]; then ok "lint $p"; else bad "lint $p" "$out"; fi
	done
else
	bad "mandoc installed (make deps installs it)"
fi

# 2. every long option of --help is in the page, and every option the page names is in --help
longopts_help() { "$1" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
longopts_page() { grep -o 'Fl \\-[a-z][a-z0-9-]*' "$1" | sed 's/^Fl \\/-/' | sort -u; }
options_agree() { # options_agree PROGRAM PAGE
	longopts_help "$1" >"$tmp/help" || return 1
	longopts_page "$2" >"$tmp/page"
	[ -s "$tmp/help" ] || { echo "no options in $1 --help"; return 1; }
	missing=$(comm -23 "$tmp/help" "$tmp/page")
	extra=$(comm -13 "$tmp/help" "$tmp/page")
	[ -z "$missing" ] || echo "in --help, not in $2:" $missing
	[ -z "$extra" ] || echo "in $2, not in --help:" $extra
	[ -z "$missing$extra" ]
}
check "options: $ANALYZE --help = man/pptp-analyze.1" options_agree "$ANALYZE" man/pptp-analyze.1
check "options: $CONFORM --help = man/pptp-conform.1" options_agree "$CONFORM" man/pptp-conform.1
page_opts_exist() { # the options pptp-scenario(5) names are pptp-conform's
	longopts_help "$CONFORM" >"$tmp/help"
	longopts_page man/pptp-scenario.5 >"$tmp/page"
	extra=$(comm -13 "$tmp/help" "$tmp/page")
	[ -z "$extra" ] || { echo "not options of pptp-conform:" $extra; return 1; }
}
check "options named in man/pptp-scenario.5 exist" page_opts_exist
# short options: each "-x," of --help is in the page as "Fl x"
shortopts_agree() { # shortopts_agree PROGRAM PAGE
	r=0
	for s in $("$1" --help | grep -oE '(^|[ ,])-[a-zA-Z]([ ,]|$)' | tr -d ' ,' | sort -u); do
		c=${s#-}
		grep -q "Fl $c\( \|$\)" "$2" || { echo "$s in --help, not in $2"; r=1; }
	done
	return $r
}
check "short options: $ANALYZE --help in man/pptp-analyze.1" shortopts_agree "$ANALYZE" man/pptp-analyze.1
check "short options: $CONFORM --help in man/pptp-conform.1" shortopts_agree "$CONFORM" man/pptp-conform.1

# 3. the scenario language: every setting and message the reader knows is in the page and in docs/scenarios.md
settings() { sed -n '/known\[\] = {/,/NULL };/p' conformance/scenario.c | grep -o '"[a-z_.]*"' | tr -d '"' | sort -u; }
words_in() { # words_in FILE WORD...
	f=$1
	shift
	r=0
	for w in "$@"; do
		grep -qF -- "$w" "$f" || { echo "'$w' not in $f"; r=1; }
	done
	return $r
}
set_list=$(settings)
if [ -n "$set_list" ]; then
	check "every setting of conformance/scenario.c in man/pptp-scenario.5" words_in man/pptp-scenario.5 $set_list
	check "every setting of conformance/scenario.c in docs/scenarios.md" words_in docs/scenarios.md $set_list
else
	bad "settings found in conformance/scenario.c (known[])"
fi
msgs="SCCRQ SCCRP StopCCRQ StopCCRP EchoRQ EchoRP OCRQ OCRP ICRQ ICRP ICCN CCRQ CDN WEN SLI"
check "every control message in man/pptp-scenario.5" words_in man/pptp-scenario.5 $msgs
steps="connect accept send expect close reset ctrl call gre ppp ping set wait timeout skip-unless no-ppp silence maybe or-close"
check "every step in man/pptp-scenario.5" words_in man/pptp-scenario.5 $steps
# the examples of pptp-scenario(5) are scenarios pptp-conform reads
examples_parse() {
	mandoc -T ascii man/pptp-scenario.5 | col -bx | awk -v d="$tmp" '
		/^EXAMPLES/ { on = 1; next }
		/^[A-Z]/ { on = 0 }
		on && /^         +[^ ]/ { if (!f) f = d "/ex" ++n ".pptp"; sub(/^ +/, ""); print > f; next }
		{ f = "" }'
	n=0
	for f in "$tmp"/ex*.pptp; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		"$CONFORM" --list --run "$f" >/dev/null || { cat "$f"; return 1; }
	done
	[ "$n" -ge 3 ] || { echo "only $n examples found"; return 1; }
}
if command -v mandoc >/dev/null 2>&1; then check "man/pptp-scenario.5 examples parse" examples_parse; fi

# 4. make install into a staging root; the installed pptp-conform finds the installed library
dest=$tmp/root
install_run() {
	# the programs as make check built them: -o, so that nothing is rebuilt here (others may be editing the tree)
	if [ ! -x build/inst/pptp-conform ] || [ ! -x bin/pptp-analyze ]; then
		make -s bin/pptp-analyze build/inst/pptp-conform >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; return 1; }
	fi
	make -s -o bin/pptp-analyze -o build/inst/pptp-conform install DESTDIR="$dest" PREFIX=/usr/local INSTALL_PLUGIN=no \
		>"$tmp/install.log" 2>&1 ||
		{ cat "$tmp/install.log"; return 1; }
}
if [ -f mk/install.mk ]; then
	check "make install DESTDIR=... PREFIX=/usr/local" install_run
	files_there() {
		r=0
		for f in bin/pptp-analyze bin/pptp-conform share/man/man1/pptp-analyze.1 share/man/man1/pptp-conform.1 \
			share/man/man5/pptp-scenario.5 share/pptp-suite/scenarios/session-basic.pptp \
			share/bash-completion/completions/pptp-analyze share/bash-completion/completions/pptp-conform; do
			[ -e "$dest/usr/local/$f" ] || { echo "missing $dest/usr/local/$f"; r=1; }
		done
		[ -x "$dest/usr/local/bin/pptp-conform" ] || { echo "pptp-conform not executable"; r=1; }
		nsrc=$(ls conformance/scenarios/*.pptp | wc -l)
		ndst=$(ls "$dest"/usr/local/share/pptp-suite/scenarios/*.pptp | wc -l)
		[ "$nsrc" -eq "$ndst" ] || { echo "$ndst scenarios installed, $nsrc in the tree"; r=1; }
		return $r
	}
	check "installed files" files_there
	installed_list() {
		a=$(env -u PPTP_CONFORM_SCENARIOS "$dest/usr/local/bin/pptp-conform" --list) || return 1
		b=$(env -u PPTP_CONFORM_SCENARIOS "$CONFORM" --list --scenarios conformance/scenarios) || return 1
		[ -n "$a" ] && [ "$a" = "$b" ] || { echo "installed --list differs from the tree's"; return 1; }
	}
	check "installed pptp-conform --list finds the installed library" installed_list
	# the compiled-in default follows PREFIX: a copy moved away from its share/ still names it
	compiled_default() {
		"$dest/usr/local/bin/pptp-conform" --help | grep -q '/usr/local/share/pptp-suite/scenarios' ||
			{ echo "--help does not name /usr/local/share/pptp-suite/scenarios"; return 1; }
	}
	check "installed pptp-conform's default library follows PREFIX" compiled_default
	installed_man() { mandoc -T ascii "$dest/usr/local/share/man/man1/pptp-analyze.1" | grep -q 'pptp-analyze'; }
	if command -v mandoc >/dev/null 2>&1; then check "installed page renders" installed_man; fi
	man_finds() { # man(1) finds each page by name and section in the installed tree
		for p in "1 pptp-analyze" "1 pptp-conform" "5 pptp-scenario"; do
			set -- $p
			man -M "$dest/usr/local/share/man" -w "$1" "$2" 2>/dev/null | grep -q "/man$1/$2.$1" || { echo "man does not find $2($1)"; return 1; }
		done
	}
	if command -v man >/dev/null 2>&1; then check "man finds the installed pages" man_finds; fi
	installed_analyze() { "$dest/usr/local/bin/pptp-analyze" --version | grep -q '^pptp-analyze '; }
	check "installed pptp-analyze runs" installed_analyze
	# bash-completion finds the installed file by the command name (XDG_DATA_DIRS points it at the staging root)
	lazy_loaded() {
		for cmd in pptp-analyze pptp-conform; do
			XDG_DATA_DIRS="$dest/usr/local/share" BASH_COMPLETION_USER_DIR=/nonexistent bash -c \
				". /usr/share/bash-completion/bash_completion; __load_completion $cmd; complete -p $cmd" 2>&1 |
				grep -q "_$(echo $cmd | tr - _) $cmd\$" || { echo "bash-completion does not load $cmd from $dest"; return 1; }
		done
	}
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		check "bash-completion loads the installed completion for both programs" lazy_loaded
	fi
	uninstall_run() {
		make -s uninstall DESTDIR="$dest" PREFIX=/usr/local >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; return 1; }
		left=$(find "$dest" ! -type d)
		[ -z "$left" ] || { echo "left after uninstall:" $left; return 1; }
	}
	check "make uninstall removes what install put" uninstall_run
	# the plugin, when built, goes to Wireshark's own plugin folder under DESTDIR (plugin.mk's install-plugin)
	plugin_planned() {
		make -n install DESTDIR="$dest" PREFIX=/usr/local 2>&1 | grep -q "install-plugin PREFIX=.* DESTDIR=$dest" ||
			{ echo "make -n install does not run install-plugin into $dest"; return 1; }
	}
	if [ -f build/plugin/4.0/epan/pptpsuite.so ]; then check "make install installs the built plugin" plugin_planned; fi
fi

# 5. bash completion
if [ -f completion/pptp-suite.bash ] && command -v bash >/dev/null 2>&1; then
	bash tests/man/completion.bash "$ANALYZE" "$CONFORM" >"$tmp/comp.log" 2>&1
	rc=$?
	cat "$tmp/comp.log"
	p=$(grep -c "^ok " "$tmp/comp.log")
	f=$(grep -c "^FAIL " "$tmp/comp.log")
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p))
	fail=$((fail + f))
else
	bad "completion/pptp-suite.bash and bash present"
fi

# 6. conventions: --version everywhere, tcpdump-style options of pptp-analyze, errors as "program: file: what"
CAP=captures/real/wrong-password.pcap
version_ok() { "$1" --version | grep -qE "^$(basename "$1") [0-9]"; }
check "pptp-analyze --version" version_ok "$ANALYZE"
check "pptp-conform --version" version_ok "$CONFORM"
same_version() { # every program prints the one version of lib/version.h
	v=$(sed -n 's/^#define PT_VERSION "\(.*\)"$/\1/p' lib/version.h)
	[ -n "$v" ] || return 1
	for p in "$ANALYZE" "$CONFORM" build/san/mkcap build/rel/pptp-gencap; do
		"$p" --version | grep -qE "^[a-z-]+( \(pptp-suite\))? $v\$" || { echo "$p: $("$p" --version)"; return 1; }
	done
}
check "mkcap, pptp-gencap, pptp-analyze and pptp-conform --version: the one version (lib/version.h)" same_version
mk_usage() { build/san/mkcap -F x -o /dev/null x 2>&1 | grep -q "^mkcap: -F wants pcap or pcapng, not 'x'" && ! build/san/mkcap -F x -o /dev/null x 2>/dev/null; }
check "mkcap: a bad -F value named on stderr, exit non-zero" mk_usage
same_out() { # same_out ARGS-A -- ARGS-B: pptp-analyze gives the same stdout both ways
	a=""
	while [ "$1" != -- ]; do a="$a '$1'"; shift; done
	shift
	b=""
	for w in "$@"; do b="$b '$w'"; done
	eval "\"$ANALYZE\" $a" >"$tmp/a.out" 2>&1
	eval "\"$ANALYZE\" $b" >"$tmp/b.out" 2>&1
	[ -s "$tmp/a.out" ] && cmp -s "$tmp/a.out" "$tmp/b.out" || { diff "$tmp/a.out" "$tmp/b.out" | head -5; return 1; }
}
check "pptp-analyze -r FILE = FILE" same_out -r "$CAP" --verdict -- --verdict "$CAP"
check "pptp-analyze -V = --decode" same_out -V "$CAP" -- --decode "$CAP"
check "pptp-analyze: short options cluster (-nqV = -n -q -V), -c30 = -c 30" same_out -nV -c30 "$CAP" -- -n -V -c 30 "$CAP"
check "pptp-analyze: --opt=VALUE = --opt VALUE, a unique prefix = the option (--verd)" same_out --fail-on=none --verd "$CAP" -- --fail-on none --verdict "$CAP"
dashdash() { "$ANALYZE" --verdict -- "$CAP" >"$tmp/d1" 2>&1 && "$ANALYZE" --verdict "$CAP" >"$tmp/d2" 2>&1 && [ -s "$tmp/d1" ] && cmp -s "$tmp/d1" "$tmp/d2"; }
check "pptp-analyze: -- ends the options" dashdash
check "pptp-analyze -n -c 30 (tcpdump's -n accepted)" same_out -n -c 30 --decode "$CAP" -- -c 30 --decode "$CAP"
check "pptp-analyze -r FILE tcp port 1723 = -f 'tcp port 1723'" same_out -r "$CAP" --verdict tcp port 1723 -- -f 'tcp port 1723' --verdict "$CAP"
check "pptp-analyze FILE --json proto 47 = -f 'proto 47'" same_out "$CAP" --json proto 47 -- --json -f 'proto 47' "$CAP"
check "pptp-analyze -f A B: both filters" same_out -f tcp "$CAP" --verdict port 1723 -- -f '(tcp) and (port 1723)' --verdict "$CAP"
w_same() {
	PPTP_PASSWORD=wonderland42 "$ANALYZE" -q -w "$tmp/w1.pcap" captures/real/mschapv2-mppe128.pcap
	PPTP_PASSWORD=wonderland42 "$ANALYZE" -q --write-decrypted "$tmp/w2.pcap" captures/real/mschapv2-mppe128.pcap
	[ -s "$tmp/w1.pcap" ] && cmp "$tmp/w1.pcap" "$tmp/w2.pcap"
}
check "pptp-analyze -w FILE = --write-decrypted FILE" w_same
err_is() { # err_is WANT-REGEX STATUS CMD...: exit STATUS, one line on stderr matching WANT
	want=$1 st=$2
	shift 2
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$st" ] || { echo "exit $rc, not $st: $(cat "$tmp/err")"; return 1; }
	head -1 "$tmp/err" | grep -qE -- "$want" || { echo "stderr: $(cat "$tmp/err")"; return 1; }
}
check "pptp-analyze: missing file" err_is '^pptp-analyze: /nonexistent\.pcap: ' 2 "$ANALYZE" /nonexistent.pcap
check "pptp-analyze: not a capture" err_is '^pptp-analyze: man/pptp-analyze\.1: ' 2 "$ANALYZE" man/pptp-analyze.1
check "pptp-analyze: a second capture" err_is "^pptp-analyze: more than one capture" 2 "$ANALYZE" "$CAP" "$CAP"
check "pptp-analyze: bad filter names the file" err_is "^pptp-analyze: $CAP: bad filter" 2 "$ANALYZE" "$CAP" 'no((such'
check "pptp-analyze: unknown option" err_is "^pptp-analyze: unknown option '--frobnicate'" 2 "$ANALYZE" --frobnicate
check "pptp-analyze: an ambiguous prefix" err_is "^pptp-analyze: ambiguous option '--pass'" 2 "$ANALYZE" --pass x "$CAP"
check "pptp-analyze: a value missing" err_is "^pptp-analyze: --fail-on needs a value" 2 "$ANALYZE" "$CAP" --fail-on
check "pptp-analyze: a value not wanted" err_is "^pptp-analyze: --json=1 takes no value" 2 "$ANALYZE" --json=1 "$CAP"
check "pptp-analyze: -c not a number" err_is "^pptp-analyze: -c wants a positive count, not 'x'" 2 "$ANALYZE" -c x "$CAP"
check "pptp-analyze: password file" err_is '^pptp-analyze: /nonexistent: ' 2 "$ANALYZE" --password-file /nonexistent "$CAP"
check "pptp-conform: scenario file" err_is '^pptp-conform: /nonexistent\.pptp: ' 2 "$CONFORM" --list --run /nonexistent.pptp
check "pptp-conform: library folder" err_is '^pptp-conform: /nonexistent: ' 2 "$CONFORM" --list --scenarios /nonexistent
check "pptp-conform: unknown option" err_is "^pptp-conform: unknown option '--frobnicate'" 2 "$CONFORM" --frobnicate
check "pptp-conform: a value missing" err_is "^pptp-conform: --scenario needs a value" 2 "$CONFORM" --list --scenario
check "pptp-conform: a value not wanted" err_is "^pptp-conform: --tap takes no value" 2 "$CONFORM" --list --tap=1
check "pptp-conform: --seed not a number" err_is "^pptp-conform: --seed abc: " 2 "$CONFORM" --list --seed abc

# 7. colour: --color=always paints without changing a word; auto only on a terminal (under script), NO_COLOR, TERM=dumb
esc=$(printf '\033')
plain_same() { # every real and crafted capture: the painted report, escapes removed, is the plain report
	n=0
	for c in captures/real/*.pcap build/captures/*.pcap; do
		[ -f "$c" ] || continue
		for fmt in "" --verdict; do
			PPTP_PASSWORD=wonderland42 "$ANALYZE" $fmt --fail-on none "$c" >"$tmp/p.out" 2>/dev/null
			PPTP_PASSWORD=wonderland42 "$ANALYZE" $fmt --fail-on none --color=always "$c" >"$tmp/c.out" 2>/dev/null
			sed "s/$esc\[[0-9;]*m//g" "$tmp/c.out" | cmp -s - "$tmp/p.out" || { echo "$c $fmt: differs"; return 1; }
			n=$((n + 1))
		done
	done
	[ "$n" -gt 10 ] || { echo "only $n reports"; return 1; }
}
check "--color=always changes no word of the report (every capture, report and --verdict)" plain_same
painted() { # painted WANT(yes|no) ARGS...: escapes in stdout or not
	want=$1
	shift
	"$@" >"$tmp/o" 2>/dev/null
	if grep -q "$esc\[" "$tmp/o"; then got=yes; else got=no; fi
	[ "$got" = "$want" ] || { echo "escapes: $got, wanted $want"; return 1; }
}
check "--color=always paints" painted yes "$ANALYZE" --color=always "$CAP"
check "--color (bare) paints" painted yes "$ANALYZE" --color "$CAP"
check "--color=always --verdict paints the code" painted yes "$ANALYZE" --color=always --verdict "$CAP"
check "no colour into a pipe (auto)" painted no "$ANALYZE" "$CAP"
check "--color=always --json: JSON is never painted" painted no "$ANALYZE" --color=always --json "$CAP"
check "--color=bogus is a usage error" err_is "^pptp-analyze: --color wants" 2 "$ANALYZE" --color=bogus "$CAP"
on_tty() { # on_tty WANT(yes|no) ENV... -- ARGS: pptp-analyze under script(1), a pseudo-terminal
	want=$1
	shift
	envs=""
	while [ "$1" != -- ]; do envs="$envs $1"; shift; done
	shift
	args=""
	for w in "$@"; do args="$args '$w'"; done
	env -u NO_COLOR TERM=xterm $envs script -qec "\"$ANALYZE\" $args" /dev/null >"$tmp/o" 2>&1 </dev/null
	grep -q "call 1" "$tmp/o" || { echo "no report under script: $(head -3 "$tmp/o")"; return 1; }
	if grep -q "$esc\[[0-9;]*m" "$tmp/o"; then got=yes; else got=no; fi
	[ "$got" = "$want" ] || { echo "escapes: $got, wanted $want"; return 1; }
}
if command -v script >/dev/null 2>&1; then
	check "colour on a terminal (auto)" on_tty yes -- "$CAP"
	check "NO_COLOR=1 on a terminal: none" on_tty no NO_COLOR=1 -- "$CAP"
	check "NO_COLOR= (empty) on a terminal: colour" on_tty yes NO_COLOR= -- "$CAP"
	check "NO_COLOR=1 --color=always: colour" on_tty yes NO_COLOR=1 -- --color=always "$CAP"
	check "TERM=dumb on a terminal: none" on_tty no TERM=dumb -- "$CAP"
	check "--color=never on a terminal: none" on_tty no -- --color=never "$CAP"
else
	bad "script(1) installed (bsdutils)"
fi

# 8. progress on stderr, only on a terminal and only for long runs (PPTP_ANALYZE_PROGRESS_AFTER=0: at once)
BIG=captures/real/concurrent-3.pcap
under_tty() { # under_tty CMD: run it under script(1), the pseudo-terminal's output in $tmp/tty
	env -u NO_COLOR TERM=xterm script -qec "$1" /dev/null >"$tmp/tty" 2>&1 </dev/null
}
progress_shown() {
	under_tty "PPTP_ANALYZE_PROGRESS_AFTER=0 \"$ANALYZE\" --verdict $BIG"
	grep -q "pptp-analyze: $BIG: [0-9]*% ([0-9]* KiB of [0-9]* KiB), [0-9]* packets, [0-9]* packets/s" "$tmp/tty" ||
		{ echo "no progress line: $(head -c 300 "$tmp/tty" | od -c | head -5)"; return 1; }
	# cleared before the report: CR, erase to end of line, then the first verdict
	grep -q "$(printf '\r\033\\[K')call 1" "$tmp/tty" || { echo "line not cleared before the report"; return 1; }
}
progress_stdin() {
	under_tty "cat $BIG | PPTP_ANALYZE_PROGRESS_AFTER=0 \"$ANALYZE\" --verdict -"
	grep -q "pptp-analyze: stdin: [0-9]* packets, [0-9]* packets/s" "$tmp/tty" || { echo "no progress line for stdin"; return 1; }
}
progress_silent() { # progress_silent CMD: no progress line on the terminal
	under_tty "$1"
	grep -q "packets/s" "$tmp/tty" && { echo "a progress line: $(tr '\r' '\n' <"$tmp/tty" | grep packets/s | head -1)"; return 1; }
	grep -q "call 1\|c1 " "$tmp/tty" || { echo "no output at all"; return 1; }
}
if command -v script >/dev/null 2>&1; then
	check "progress line on a terminal: percent, size, packets/s, cleared" progress_shown
	check "progress line for standard input: packets, packets/s" progress_stdin
	check "short run: no progress line (default: after 1 s)" progress_silent "\"$ANALYZE\" --verdict $BIG"
	check "stderr not a terminal: no progress line" progress_silent \
		"PPTP_ANALYZE_PROGRESS_AFTER=0 \"$ANALYZE\" --verdict $BIG 2>$tmp/err; cat $tmp/err"
	check "--decode on the terminal: no progress line" progress_silent "PPTP_ANALYZE_PROGRESS_AFTER=0 \"$ANALYZE\" --decode $BIG"
fi
no_progress_pipe() {
	PPTP_ANALYZE_PROGRESS_AFTER=0 "$ANALYZE" --verdict "$BIG" 2>"$tmp/err" >/dev/null
	[ ! -s "$tmp/err" ] || { echo "stderr: $(head -c 200 "$tmp/err")"; return 1; }
}
check "stderr a file: nothing on it" no_progress_pipe

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
