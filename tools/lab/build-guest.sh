#!/bin/bash
# build-guest.sh: assemble the lab's qemu guest (kernel + initramfs) from Debian 12 packages.
#
# Usage: tools/lab/build-guest.sh [LAB_DIR]      (default build/lab)
#
# Everything comes from `apt-get download` + `dpkg -x`: the kernel package that
# linux-image-amd64 depends on, and tools/lab/guest-packages. Output, all under LAB_DIR:
#   debs/        the downloaded packages (kept as a cache; delete to download again)
#   root/        the packages unpacked, as dpkg -x leaves them
#   tree/        the initramfs tree
#   vmlinuz      the kernel
#   initrd.img   the initramfs (newc cpio, gzip)
#   packages.txt "package version" of every package used
# Prints how long each step took.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
LAB_DIR=${1:-${LAB_DIR:-build/lab}}
mkdir -p "$LAB_DIR"
LAB_DIR=$(cd "$LAB_DIR" && pwd)
debs=$LAB_DIR/debs
root=$LAB_DIR/root
tree=$LAB_DIR/tree

step_t0=0
step_begin() { step_name=$1; step_t0=$(date +%s.%N); }
step_end() {
    local t1
    t1=$(date +%s.%N)
    awk -v n="$step_name" -v a="$step_t0" -v b="$t1" 'BEGIN { printf "lab: %-34s %6.1f s\n", n, b - a }'
}
die() { echo "build-guest: $*" >&2; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found (the lab is built on Debian 12)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"

# ---------------------------------------------------------------- 1. download
step_begin "download packages"
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update / make lab-deps)"
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/guest-packages")
mkdir -p "$debs"
missing=
for p in $kpkg $pkgs; do
    ls "$debs/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    (cd "$debs" && apt-get -q -o APT::Sandbox::User=root download $missing) >"$LAB_DIR/download.log" 2>&1 ||
        { cat "$LAB_DIR/download.log" >&2; die "apt-get download failed"; }
fi
: >"$LAB_DIR/packages.txt"
for p in $kpkg $pkgs; do
    f=$(ls "$debs/${p}_"*.deb | tail -n 1)
    echo "$p $(dpkg-deb -f "$f" Version)" >>"$LAB_DIR/packages.txt"
done
step_end

# ---------------------------------------------------------------- 2. unpack
step_begin "unpack packages (dpkg -x)"
rm -rf "$root"
mkdir -p "$root"
for p in $kpkg $pkgs; do
    dpkg -x "$(ls "$debs/${p}_"*.deb | tail -n 1)" "$root"
done
kver=${kpkg#linux-image-}
[ -f "$root/boot/vmlinuz-$kver" ] || die "no kernel in $kpkg"
bb=$root/bin/busybox
"$bb" depmod -b "$root" "$kver"
step_end

# ---------------------------------------------------------------- 3. initramfs tree
step_begin "assemble initramfs tree"
rm -rf "$tree"
mkdir -p "$tree"/usr/bin "$tree"/usr/sbin "$tree"/usr/lib/x86_64-linux-gnu "$tree"/usr/lib64
for d in bin sbin lib lib64; do
    case $d in
        bin|sbin) ln -s "usr/$d" "$tree/$d" ;;
        lib) ln -s usr/lib "$tree/lib" ;;
        lib64) ln -s usr/lib64 "$tree/lib64" ;;
    esac
done
mkdir -p "$tree"/proc "$tree"/sys "$tree"/dev "$tree"/run "$tree"/tmp "$tree"/root \
    "$tree"/etc/ppp "$tree"/var/log "$tree"/lab/modules "$tree"/lab/scenarios
ln -s ../run "$tree/var/run"
ln -s ../run/lock "$tree/var/lock"

# programs: staging path -> guest path. ip and tc are iproute2's (busybox's ip applet
# has no netns support, and pptp runs /bin/ip for its host route).
progs="bin/busybox:usr/bin/busybox
usr/sbin/pppd:usr/sbin/pppd
usr/sbin/pptpd:usr/sbin/pptpd
usr/sbin/pptpctrl:usr/sbin/pptpctrl
usr/sbin/pptp:usr/sbin/pptp
usr/bin/tcpdump:usr/bin/tcpdump
bin/ip:usr/bin/ip
sbin/tc:usr/sbin/tc"
ldso=$root/lib64/ld-linux-x86-64.so.2
libpath=$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu
libs=
for pair in $progs; do
    src=$root/${pair%%:*}
    dst=$tree/${pair#*:}
    [ -f "$src" ] || die "missing $src (is its package in guest-packages?)"
    cp -L "$src" "$dst"
    chmod 0755 "$dst"   # pppd is setuid root in its package; the guest runs everything as root
    [ "${pair%%:*}" = bin/busybox ] && continue
    # Resolve the shared libraries with the guest's own loader. The loader falls back to
    # the host's /lib when a library is not in the staging tree: that is an error here.
    out=$("$ldso" --library-path "$libpath" --list "$src") || die "ld.so --list failed for $src"
    while read -r lname arrow lpath rest; do
        case $lname in linux-vdso*|/lib64/ld-linux*) continue ;; esac
        [ "$arrow" = "=>" ] || continue
        case $lpath in
            "$root"/*) libs="$libs $lpath" ;;
            *) die "${pair%%:*} needs $lname, which no package in tools/lab/guest-packages ships (found: $lpath)" ;;
        esac
    done <<<"$out"
done
cp -L "$ldso" "$tree/usr/lib64/ld-linux-x86-64.so.2"
for l in $(printf '%s\n' $libs | sort -u); do
    cp -L "$l" "$tree/usr/lib/x86_64-linux-gnu/$(basename "$l")"
done
# busybox applets as links, without shadowing the real programs above
for a in $("$bb" --list); do
    [ -e "$tree/usr/bin/$a" ] || [ -e "$tree/usr/sbin/$a" ] || ln -s busybox "$tree/usr/bin/$a"
done

# kernel modules, dependencies first
moddir=$root/lib/modules/$kver
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/guest-modules")
order=$(awk -v wanted="$wanted" '
    function base(p,   b) { b = p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b); return b }
    function load(m,   i, n, d) {
        if (m in done) return
        if (!(m in path)) { print "MISSING " m; done[m] = 1; return }
        n = split(deps[m], d, " ")
        for (i = 1; i <= n; i++) load(base(d[i]))
        done[m] = 1; print path[m]
    }
    { sub(/:$/, "", $1); m = base($1); path[m] = $1; $1 = ""; deps[m] = $0 }
    END { n = split(wanted, w, /[ \n]+/); for (i = 1; i <= n; i++) if (w[i] != "") load(w[i]) }
' "$moddir/modules.dep")
if echo "$order" | grep -q '^MISSING'; then die "modules not in $kpkg: $(echo "$order" | grep '^MISSING' | tr '\n' ' ')"; fi
: >"$tree/lab/modules/order"
for m in $order; do
    cp "$moddir/$m" "$tree/lab/modules/"
    basename "$m" >>"$tree/lab/modules/order"
done

# configuration that does not change between scenarios
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tree/etc/passwd"
printf 'root:x:0:\n' >"$tree/etc/group"
printf '127.0.0.1 localhost\n192.0.2.1 server\n' >"$tree/etc/hosts"
printf '# empty: every option comes from the lab scenario files\n' >"$tree/etc/ppp/options"
cp "$here/guest/init" "$tree/init"
cp "$here/guest/lab-lib.sh" "$here/guest/run-scenario.sh" "$here/guest/peer.sh" "$tree/lab/"
cp "$here"/scenarios/*.conf "$tree/lab/scenarios/"
chmod 0755 "$tree/init" "$tree/lab/"*.sh
cp "$LAB_DIR/packages.txt" "$tree/lab/packages.txt"
step_end

# ---------------------------------------------------------------- 4. pack
step_begin "pack initramfs (cpio + gzip)"
cp "$root/boot/vmlinuz-$kver" "$LAB_DIR/vmlinuz"
(cd "$tree" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 >"$LAB_DIR/initrd.img.tmp"
mv "$LAB_DIR/initrd.img.tmp" "$LAB_DIR/initrd.img"
step_end
printf 'lab: guest ready: %s (kernel %s, initramfs %s KiB)\n' "$LAB_DIR" "$kver" \
    "$(( $(stat -c %s "$LAB_DIR/initrd.img") / 1024 ))"
