#!/bin/sh
# tests/deb/run.sh: the Debian packages (debian/). Built from a copy of the tree (as git sees it) by dpkg-buildpackage
# -us -uc -b (tools/deb/build.sh), lintian without an error, the hardening flags in every binary; then installed
# with apt in a clean Debian 12 root made by mmdebstrap from Debian's packages (apt resolves the Depends there) and
# run in it: both programs on the shipped captures, the manual pages, bash completion, tshark with the plugin as
# an unprivileged user and as root; purged without leftovers; then the same tree built in that root with what
# apt-get build-dep installs (debian/control's Build-Depends suffice).
# Needs root (chroot, mounts in a private namespace) and deb.debian.org through apt: without them it FAILS, saying
# why. The base root is cached as build/deb/bookworm-apt.tar and apt's downloads in build/deb/archives, so a
# second run downloads nothing but the package lists. Every step is under timeout.
# Prints "N passed, N failed" last; exit 1 on any failure.
: "${PT_TOP:=.}"
cd "$PT_TOP" || exit 1
top=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -z "$2" ] || printf '%s\n' "$2" | tail -15 | sed 's/^/     /'; }
finish() {
	echo "deb: $(($(date +%s) - t0)) s in all ($times)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
t0=$(date +%s)
times=
lap() { # lap NAME: the seconds since the last lap, added to the timing line
	_now=$(date +%s)
	times="$times${times:+, }$1 $((_now - ${_lap:-$t0})) s"
	_lap=$_now
}
SUITE=bookworm
MIRRORS="deb http://deb.debian.org/debian $SUITE main|deb http://deb.debian.org/debian $SUITE-updates main|deb http://deb.debian.org/debian-security $SUITE-security main"
cache=$top/build/deb
base=$cache/$SUITE-apt.tar
archives=$cache/archives
LAB_PASSWORD=wonderland42

# ---- prerequisites: missing ones are failures, not skips ----
[ "$(id -u)" -eq 0 ] || { ko "tests/deb needs root (a chroot and mounts in a private namespace)"; finish; }
for t in dpkg-buildpackage dh lintian fakeroot mmdebstrap unshare chroot readelf timeout; do
	command -v "$t" >/dev/null 2>&1 || { ko "$t is not installed (make deps: dpkg-dev debhelper lintian fakeroot mmdebstrap)"; finish; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pptp-debtest.XXXXXX") || exit 1
# the root's mounts live only in the namespaces of inroot, gone when each command ends: rm sees plain folders
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$cache" "$archives/partial" || { ko "cannot make $cache"; finish; }

# ---- 1. build and lintian ----
version=$(dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
arch=$(dpkg --print-architecture)
[ -n "$version" ] || { ko "debian/changelog does not parse"; finish; }
out=$(PT_TOP=$top sh tools/deb/build.sh "$tmp/out" 2>&1)
rc=$?
lap build+lintian
printf '%s\n' "$out" | grep -E '^deb: (built|lintian) '
deb_tools=$tmp/out/pptp-suite_${version}_$arch.deb
deb_plugin=$tmp/out/wireshark-plugin-pptp-suite_${version}_$arch.deb
if [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; then ok "dpkg-buildpackage -us -uc -b builds pptp-suite $version"; else
	ko "dpkg-buildpackage -us -uc -b (tools/deb/build.sh)" "$out"
	finish
fi
if [ -f "$deb_tools" ] && [ -f "$deb_plugin" ]; then ok "both packages: ${deb_tools##*/} ${deb_plugin##*/}"; else
	ko "packages missing" "$(ls "$tmp/out")"
	finish
fi
if [ "$rc" -eq 0 ] && ! grep -q '^E:' "$tmp/out/lintian.log"; then ok "lintian: no error ($(grep -c '^W:' "$tmp/out/lintian.log") warnings)"
else ko "lintian reports errors" "$(grep '^E:' "$tmp/out/lintian.log")"; fi

# ---- 2. what the packages hold ----
plugindir=$(pkg-config --variable=plugindir wireshark 2>/dev/null)
ws_lib=$(dpkg-query -S "$(readlink -f "$(pkg-config --variable=libdir wireshark)/libwireshark.so")" 2>/dev/null | cut -d: -f1)
ws_ver=$(pkg-config --modversion wireshark 2>/dev/null)
ws_series=${ws_ver%.*}
dpkg-deb -c "$deb_tools" | awk '{print $6}' | sed 's/^\.//' >"$tmp/tools.list"
dpkg-deb -c "$deb_plugin" | awk '{print $6}' | sed 's/^\.//' >"$tmp/plugin.list"
missing=
for f in /usr/bin/pptp-analyze /usr/bin/pptp-conform /usr/share/man/man1/pptp-analyze.1.gz \
	/usr/share/man/man1/pptp-conform.1.gz /usr/share/man/man5/pptp-scenario.5.gz \
	/usr/share/bash-completion/completions/pptp-analyze /usr/share/bash-completion/completions/pptp-conform \
	/usr/share/doc/pptp-suite/copyright /usr/share/doc/pptp-suite/examples/mschapv2-mppe128.pcap; do
	grep -qx "$f" "$tmp/tools.list" || missing="$missing $f"
done
nscen=$(git ls-files "conformance/scenarios/*.pptp" | while read -r f; do [ -f "$f" ] && echo "$f"; done | wc -l)
nscen_deb=$(grep -c '^/usr/share/pptp-suite/scenarios/.*\.pptp$' "$tmp/tools.list")
[ "$nscen" -eq "$nscen_deb" ] || missing="$missing (scenarios: $nscen_deb of $nscen)"
if [ -z "$missing" ]; then ok "pptp-suite holds the programs, manual pages, completion, $nscen scenarios, examples"
else ko "pptp-suite lacks:$missing"; fi
if [ -n "$plugindir" ] && grep -qx "$plugindir/epan/pptpsuite.so" "$tmp/plugin.list"; then
	ok "the plugin package holds $plugindir/epan/pptpsuite.so"
else ko "the plugin package has no $plugindir/epan/pptpsuite.so" "$(cat "$tmp/plugin.list")"; fi
dep=$(dpkg-deb -f "$deb_plugin" Depends)
if [ -n "$ws_lib" ] && printf "%s" "$dep" | grep -qE "$ws_lib \\(>= $ws_series[.)]" &&
	printf '%s' "$dep" | grep -qF "$ws_lib (<< ${ws_series%.*}.$((${ws_series#*.} + 1))~)"; then
	ok "the plugin depends on $ws_lib from $ws_series to the next series"
else ko "the plugin's Depends do not pin $ws_lib to Wireshark $ws_series: $dep"; fi

# hardening (dpkg-buildflags, hardening=+all): PIE programs, full RELRO, stack protector, fortified calls
mkdir "$tmp/x" && dpkg-deb -x "$deb_tools" "$tmp/x" && dpkg-deb -x "$deb_plugin" "$tmp/x"
for f in usr/bin/pptp-analyze usr/bin/pptp-conform "${plugindir#/}/epan/pptpsuite.so"; do
	e=$tmp/x/$f
	why=
	readelf -d "$e" 2>/dev/null | grep -q 'BIND_NOW' || why="$why no BIND_NOW;"
	readelf -lW "$e" 2>/dev/null | grep -q 'GNU_RELRO' || why="$why no RELRO;"
	readelf -sW --dyn-syms "$e" 2>/dev/null | grep -q '__stack_chk_fail' || why="$why no stack protector;"
	readelf -sW --dyn-syms "$e" 2>/dev/null | grep -qE '__[a-z_]+_chk(@|$| )' || why="$why no fortified call;"
	case $f in usr/bin/*) readelf -h "$e" | grep -q 'DYN (Position-Independent' || why="$why not PIE;" ;; esac
	if [ -z "$why" ]; then ok "hardened: /$f"; else ko "/$f:$why"; fi
done

# ---- 3. a clean Debian root ----
if [ -s "$base" ]; then
	echo "deb: base root $base (cached)"
else
	IFS='|'
	# shellcheck disable=SC2086
	set -- $MIRRORS
	unset IFS
	if timeout 600 mmdebstrap --variant=apt --format=tar "$SUITE" "$base.$$.tmp" "$@" >"$tmp/mmdebstrap.log" 2>&1 &&
		mv "$base.$$.tmp" "$base"; then
		echo "deb: base root $base made by mmdebstrap"
	else
		rm -f "$base.$$.tmp"
		ko "mmdebstrap --variant=apt $SUITE failed: is deb.debian.org reachable through apt? (make deps; /etc/apt/sources.list*)" \
			"$(cat "$tmp/mmdebstrap.log")"
		finish
	fi
fi
lap base-root
root=$tmp/root
mkdir "$root" && tar -C "$root" -xf "$base" || { ko "cannot unpack $base"; finish; }
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
mkdir -p "$root/tmp/pkgs" && cp "$deb_tools" "$deb_plugin" "$root/tmp/pkgs/" && chmod -R a+rX "$root/tmp/pkgs"

inroot() { # inroot CMD...: CMD in the root as root, with /dev, /proc and apt's download cache mounted in a
	# private mount and PID namespace (nothing of it outlives CMD)
	timeout "${T:-120}" unshare --mount --pid --fork --kill-child sh -c '
		r=$1 a=$2
		shift 2
		mount --rbind /dev "$r/dev" && mount -t proc proc "$r/proc" &&
			mount --bind "$a" "$r/var/cache/apt/archives" || exit 97
		exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TZ=UTC \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$archives" "$@"
}
asuser() { # asuser CMD...: CMD in the root as nobody (tshark ignores some plugin folders as root)
	inroot setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp/nobody "$@"
}

if out=$(T=180 inroot apt-get update -q 2>&1) && ! printf '%s\n' "$out" | grep -qE '^(E:|W: Failed|Err:)'; then
	ok "apt-get update in the root ($SUITE, $SUITE-updates, $SUITE-security from deb.debian.org)"
else
	ko "apt-get update in the root failed: deb.debian.org is not reachable through apt" "$out"
	finish
fi
if out=$(T=600 inroot apt-get install -y -q --no-install-recommends \
	"/tmp/pkgs/${deb_tools##*/}" "/tmp/pkgs/${deb_plugin##*/}" tshark man-db 2>&1); then
	ok "apt-get install of both packages with tshark and man-db, Depends from Debian's archive"
else
	ko "apt-get install of the packages in the root" "$out"
	finish
fi
T=120 inroot apt-get autoclean -q >/dev/null 2>&1
lap install
mkdir -p "$root/tmp/nobody" && chown 65534:65534 "$root/tmp/nobody"

# ---- 4. the installed programs ----
for p in pptp-suite wireshark-plugin-pptp-suite; do
	st=$(inroot dpkg-query -W -f '${Version} ${Status}' "$p" 2>&1)
	if [ "$st" = "$version install ok installed" ]; then ok "dpkg: $p $version installed"; else ko "dpkg: $p: $st"; fi
done
for p in pptp-analyze pptp-conform; do
	v=$(inroot "$p" --version 2>&1)
	if [ "$v" = "$p $version" ]; then ok "$p --version: $v"; else ko "$p --version says '$v', debian/changelog $version"; fi
done
ex=/usr/share/doc/pptp-suite/examples
v=$(inroot env PPTP_PASSWORD=$LAB_PASSWORD pptp-analyze --verdict $ex/mschapv2-mppe128.pcap 2>&1)
if printf '%s\n' "$v" | grep -q '^call 1 \[ok\] OK: tunnel up (MS-CHAPv2 user "alice" (password verified), MPPE-128'; then
	ok "pptp-analyze --verdict on the shipped mschapv2-mppe128.pcap with the lab password: tunnel up, password verified"
else ko "pptp-analyze on $ex/mschapv2-mppe128.pcap" "$v"; fi
v=$(inroot env PPTP_PASSWORD=$LAB_PASSWORD pptp-analyze --verdict $ex/wrong-password.pcap 2>&1)
if printf '%s\n' "$v" | grep -q '^call 1 \[auth-failed\] .*the client used a wrong password'; then
	ok "pptp-analyze --verdict on the shipped wrong-password.pcap: auth-failed, a wrong password"
else ko "pptp-analyze on $ex/wrong-password.pcap" "$v"; fi
v=$(inroot pptp-analyze $ex/mschapv2-mppe128.pcap 2>&1)
if printf '%s\n' "$v" | grep -q 'Verdicts' && ! printf '%s\n' "$v" | grep -qi "$LAB_PASSWORD"; then
	ok "pptp-analyze report without credentials"
else ko "pptp-analyze report on $ex/mschapv2-mppe128.pcap" "$v"; fi
v=$(inroot pptp-conform --help 2>&1)
if [ $? -eq 0 ] && printf '%s\n' "$v" | head -1 | grep -q '^usage: pptp-conform'; then ok "pptp-conform --help"
else ko "pptp-conform --help" "$v"; fi
n=$(inroot pptp-conform --list 2>/dev/null | grep -c .)
if [ "$n" -eq "$nscen" ]; then ok "pptp-conform --list: the $n scenarios of /usr/share/pptp-suite/scenarios"
else ko "pptp-conform --list lists $n scenarios, the package ships $nscen"; fi

# manual pages through man-db
for pg in "1 pptp-analyze" "1 pptp-conform" "5 pptp-scenario"; do
	set -- $pg
	w=$(inroot man -w "$1" "$2" 2>&1)
	txt=$(inroot env MANPAGER=cat MANWIDTH=80 man "$1" "$2" 2>/dev/null | grep -c "$2")
	if [ "$w" = "/usr/share/man/man$1/$2.$1.gz" ] && [ "$txt" -gt 0 ]; then ok "man -w $2: $w, and it renders"
	else ko "man $1 $2: '$w' ($txt lines naming it)"; fi
done

# bash completion, as bash-completion loads it: scenario ids from the installed library, options from --help
v=$(inroot bash -c '. /usr/share/bash-completion/completions/pptp-conform
	COMP_WORDS=(pptp-conform -s auth-b); COMP_CWORD=2; _pptp_conform; echo "s: ${COMPREPLY[*]}"
	COMP_WORDS=(pptp-analyze --verd); COMP_CWORD=1; _pptp_analyze; echo "o: ${COMPREPLY[*]}"' 2>&1)
if printf '%s\n' "$v" | grep -q '^s: .*auth-basic' && printf '%s\n' "$v" | grep -q '^o: .*--verdict'; then
	ok "bash completion: pptp-conform -s auth-b<TAB> and pptp-analyze --verd<TAB>"
else ko "bash completion in the root" "$v"; fi

# ---- 5. the plugin in the system folder, under tshark ----
so=$plugindir/epan/pptpsuite.so
for who in nobody root; do
	if [ "$who" = nobody ]; then run=asuser; else run=inroot; fi
	v=$($run tshark -G plugins 2>&1)
	if printf '%s\n' "$v" | grep -q "^pptpsuite\.so.*$so"; then ok "tshark -G plugins as $who: $so"
	else ko "tshark -G plugins as $who does not list $so" "$v"; fi
	if $run tshark -G protocols 2>/dev/null | awk -F'\t' '$3 == "pptpsuite" {f = 1} END {exit !f}'; then
		ok "tshark -G protocols as $who: pptpsuite"
	else ko "tshark -G protocols as $who has no pptpsuite"; fi
done
# decryption with the lab credentials: as many decrypted frames as tests/plugin's golden file
exp=$(grep -c . tests/plugin/expected/mschapv2-mppe128.decrypted 2>/dev/null)
n=$(asuser tshark -n -r $ex/mschapv2-mppe128.pcap -o "uat:pptpsuite_credentials:\"alice\",\"$LAB_PASSWORD\",\"\"" \
	-Y 'pptpsuite.decrypted == 1' 2>/dev/null | grep -c .)
if [ -n "$exp" ] && [ "$exp" -gt 0 ] && [ "$n" -eq "$exp" ]; then
	ok "tshark decrypts $n MPPE frames of the shipped capture with the installed plugin (as tests/plugin/expected)"
else ko "tshark with the installed plugin decrypted $n frames, tests/plugin/expected/mschapv2-mppe128.decrypted has ${exp:-none}"; fi

# ---- 6. purge leaves nothing behind ----
out=$(T=300 inroot apt-get purge -y -q pptp-suite wireshark-plugin-pptp-suite 2>&1)
left=
for f in /usr/bin/pptp-analyze /usr/bin/pptp-conform /usr/share/pptp-suite /usr/share/doc/pptp-suite \
	"$so" /usr/share/man/man1/pptp-analyze.1.gz /usr/share/bash-completion/completions/pptp-conform; do
	[ -e "$root$f" ] || [ -L "$root$f" ] && left="$left $f"
done
if [ -z "$left" ] && ! inroot tshark -G plugins 2>/dev/null | grep -q pptpsuite; then ok "apt-get purge removes every file"
else ko "after apt-get purge:$left" "$out"; fi
lap checks

# ---- 7. Build-Depends: the same tree builds in the root with apt-get build-dep alone (build-essential and
# debian/control's list), into packages that hold the same files as the ones built here ----
if mkdir -p "$root/src" && sh tools/deb/build.sh --export "$root/src/pptp-suite"; then
	out=$(T=900 inroot sh -c 'cd /src/pptp-suite &&
		apt-get build-dep -y -q --no-install-recommends ./ >/tmp/build-dep.log 2>&1 || { tail -20 /tmp/build-dep.log; exit 1; }
		DEB_BUILD_OPTIONS="parallel=2 noautodbgsym" dpkg-buildpackage -us -uc -b >/tmp/build.log 2>&1 ||
			{ tail -30 /tmp/build.log; exit 1; }' 2>&1)
	if [ $? -eq 0 ] && [ -f "$root/src/${deb_tools##*/}" ] && [ -f "$root/src/${deb_plugin##*/}" ]; then
		ok "apt-get build-dep and dpkg-buildpackage -us -uc -b in the clean root"
		same=1
		for d in "$deb_tools" "$deb_plugin"; do
			dpkg-deb -c "$d" | awk '{print $6}' | sort >"$tmp/a"
			dpkg-deb -c "$root/src/${d##*/}" | awk '{print $6}' | sort >"$tmp/b"
			cmp -s "$tmp/a" "$tmp/b" || { same=; diff "$tmp/a" "$tmp/b" | head -5; }
		done
		if [ -n "$same" ]; then ok "the packages built in the root hold the same files"
		else ko "the packages built in the root differ from the ones built here"; fi
	else
		ko "build in the clean root: debian/control's Build-Depends are not enough" "$out"
	fi
else
	ko "tools/deb/build.sh --export into the root"
fi
lap build-in-root
finish
