#!/bin/sh
# tools/deb/build.sh OUTDIR: the Debian packages of the current tree, built from a copy of its files (as git
# sees them: no build output) by dpkg-buildpackage -us -uc -b, then lintian on the .changes. OUTDIR receives the
# .deb, .changes and .buildinfo files, build.log and lintian.log. Exit 0 when the build succeeded and lintian has no
# E: line; 3 when lintian has one; otherwise 1, with one line saying which step failed. Each step is under timeout.
# tools/deb/build.sh --export DIR: only the copy, into DIR (which must not exist yet).
: "${PT_TOP:=.}" "${DEB_BUILD_TIMEOUT:=600}" "${DEB_LINT_TIMEOUT:=300}"
die() { echo "deb: $*" >&2; exit 1; }
top=$(cd "$PT_TOP" && pwd) || exit 2

# export DIR: the working tree as git sees it: tracked files that exist (one deleted there is left out, as a commit
# would) and untracked ones that .gitignore does not exclude (a new file not yet added), never build output
export_tree() {
	mkdir "$1" || return 1
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done; :' sh |
		xargs -0 cp -P --parents -t "$1") || return 1
	[ -x "$1/debian/rules" ]
}
if [ "$1" = --export ]; then
	[ -n "$2" ] || die "usage: tools/deb/build.sh --export DIR"
	export_tree "$2" || die "could not copy $top (with its debian/rules) to $2"
	exit 0
fi

out=${1:?usage: tools/deb/build.sh OUTDIR}
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
for t in dpkg-buildpackage dh lintian fakeroot git; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed (make deps installs dpkg-dev debhelper lintian fakeroot)"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/pptp-deb.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
src=$work/pptp-suite
export_tree "$src" || die "could not copy $top (with its debian/rules) to $src"

version=$(cd "$src" && dpkg-parsechangelog -S Version) || die "debian/changelog does not parse"
arch=$(dpkg --print-architecture)
echo "deb: building pptp-suite $version ($arch) in $src"
start=$(date +%s)
(cd "$src" && DEB_BUILD_OPTIONS="parallel=${DEB_JOBS:-2} $DEB_BUILD_OPTIONS" \
	timeout "$DEB_BUILD_TIMEOUT" dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; die "dpkg-buildpackage failed (log: $out/build.log)"; }
echo "deb: built in $(($(date +%s) - start)) s"
changes=$work/pptp-suite_${version}_$arch.changes
[ -f "$changes" ] || die "no $changes after the build"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$work"/*.deb "$work"/*.buildinfo "$changes" "$out"/ || die "could not copy the packages to $out"

start=$(date +%s)
timeout "$DEB_LINT_TIMEOUT" lintian --display-info --pedantic --fail-on none "$out/${changes##*/}" \
	>"$out/lintian.log" 2>&1 || die "lintian did not run (log: $out/lintian.log)"
echo "deb: lintian in $(($(date +%s) - start)) s: $(grep -c '^E:' "$out/lintian.log") errors," \
	"$(grep -c '^W:' "$out/lintian.log") warnings, $(grep -c '^[IP]:' "$out/lintian.log") info/pedantic"
grep '^[EW]:' "$out/lintian.log" >&2
grep -q "^E:" "$out/lintian.log" && { echo "deb: lintian reports errors (log: $out/lintian.log)" >&2; exit 3; }
ls "$out"/*.deb
