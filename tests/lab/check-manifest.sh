#!/bin/sh
# check-manifest.sh: check captures/real/MANIFEST against the files beside it (POSIX sh).
#
#   tests/lab/check-manifest.sh [MANIFEST]     check; one line per check, then
#                                              "N passed, N failed"; exit 1 on any failure
#   tests/lab/check-manifest.sh --info FILE    print "linktype packets bytes" of a pcap file
#
# Pcap headers and records are read with od and awk (no Python, no tshark). Where tcpdump
# is installed, its packet count (tcpdump --count) is compared too.
# Manifest format: see the comment at the top of captures/real/MANIFEST and docs/lab.md.
LC_ALL=C
export LC_ALL
MAX_BYTES=1048576

# pcap_info FILE: "linktype packets bytes", or "error: WHY" (classic pcap, either byte
# order, microsecond or nanosecond magic; a record running past the end is an error)
pcap_info() {
    od -An -v -tu1 "$1" | awk '
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        function u32(o) {
            if (le) return b[o] + 256 * (b[o + 1] + 256 * (b[o + 2] + 256 * b[o + 3]))
            return b[o + 3] + 256 * (b[o + 2] + 256 * (b[o + 1] + 256 * b[o]))
        }
        END {
            if (n < 24) { print "error: shorter than a pcap global header (" n " bytes)"; exit }
            m = sprintf("%02x%02x%02x%02x", b[0], b[1], b[2], b[3])
            if (m == "d4c3b2a1" || m == "4d3cb2a1") le = 1
            else if (m == "a1b2c3d4" || m == "a1b23c4d") le = 0
            else if (m == "0a0d0d0a") { print "error: pcapng, not pcap"; exit }
            else { print "error: bad magic " m; exit }
            lt = u32(20) % 65536
            off = 24; pk = 0
            while (off < n) {
                if (off + 16 > n) { print "error: truncated record header at offset " off; exit }
                len = u32(off + 8)
                if (off + 16 + len > n) { print "error: record " pk + 1 " runs past the end"; exit }
                off += 16 + len; pk++
            }
            print lt, pk, n
        }'
}

if [ "$1" = --info ]; then
    pcap_info "$2"
    exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
manifest=${1:-$here/../../captures/real/MANIFEST}
dir=$(dirname "$manifest")
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
have_tcpdump=no
command -v tcpdump >/dev/null 2>&1 && have_tcpdump=yes

if [ ! -f "$manifest" ]; then
    bad "manifest $manifest not found"
    echo "$passed passed, $failed failed"
    exit 1
fi

referenced=
keys=

# get KEY: the value of KEY in the current block
get() { eval "printf '%s' \"\${m_$1}\""; }

check_file() { # ROLE (pcap, inner, client_log, ...)
    role=$1
    f=$(get "$role")
    referenced="$referenced $f"
    path=$dir/$f
    if [ ! -f "$path" ]; then
        bad "$name: $role $f missing"
        return
    fi
    size=$(wc -c <"$path" | tr -d ' ')
    want=$(get "${role}_bytes")
    if [ "$size" = "$want" ]; then ok "$name: $f is $size bytes"; else bad "$name: $f is $size bytes, manifest says '$want'"; fi
    if [ "$size" -lt "$MAX_BYTES" ]; then ok "$name: $f under 1 MiB"; else bad "$name: $f is $size bytes, not under 1 MiB"; fi
    want=$(get "${role}_sha256")
    got=$(sha256sum "$path" | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then ok "$name: $f sha256"; else bad "$name: $f sha256 $got, manifest says '$want'"; fi
    case $f in
        *.pcap) ;;
        *) return ;;
    esac
    info=$(pcap_info "$path")
    case $info in
        error:*) bad "$name: $f: $info"; return ;;
    esac
    set -- $info
    want=$(get "${role}_linktype")
    if [ "$1" = "$want" ]; then ok "$name: $f link type $1"; else bad "$name: $f link type $1, manifest says '$want'"; fi
    want=$(get "${role}_packets")
    if [ "$2" = "$want" ]; then ok "$name: $f has $2 packets"; else bad "$name: $f has $2 packets, manifest says '$want'"; fi
    if [ $have_tcpdump = yes ]; then
        n=$(tcpdump --count -r "$path" 2>/dev/null | sed -n 's/^\([0-9][0-9]*\) packets\{0,1\}.*/\1/p')
        if [ "$n" = "$2" ]; then ok "$name: $f tcpdump --count agrees ($n)"; else bad "$name: $f tcpdump --count says '$n', od walk says $2"; fi
    fi
}

check_block() {
    [ -n "$keys" ] || return
    name=$(get name)
    if [ -z "$name" ]; then
        bad "block without name= (keys:$keys)"
        return
    fi
    status=$(get status)
    missing=
    case $status in
        pending)
            for k in title reason; do [ -n "$(get $k)" ] || missing="$missing $k"; done
            if [ -z "$missing" ]; then ok "$name: pending, reason given"; else bad "$name: pending block lacks$missing"; fi
            ;;
        captured)
            for k in title auth mppe user password server_opts client_opts exercises \
                expect_up expect_data expect_end observed_up observed_data observed_end \
                pcap client_log server_log; do
                [ -n "$(get $k)" ] || missing="$missing $k"
            done
            if [ -z "$missing" ]; then ok "$name: required keys present"; else bad "$name: missing keys:$missing"; fi
            ou=$(get observed_up) odata=$(get observed_data) oe=$(get observed_end)
            eu=$(get expect_up) ed=$(get expect_data) ee=$(get expect_end)
            data_ok=no
            for d in $(echo "$ed" | tr '|' ' '); do [ "$d" = "$odata" ] && data_ok=yes; done
            if [ "$ou" = "$eu" ] && [ "$oe" = "$ee" ] && [ $data_ok = yes ]; then
                ok "$name: ended as expected (up=$ou data=$odata end=$oe)"
            else
                bad "$name: expected up=$eu data=$ed end=$ee, observed up=$ou data=$odata end=$oe"
            fi
            if [ "$eu" = yes ] && [ -z "$(get inner)" ]; then bad "$name: tunnel up but no inner capture"; fi
            for k in $keys; do
                case $k in
                    pcap|inner|inner[0-9]|client_log|server_log) check_file "$k" ;;
                esac
            done
            ;;
        *)
            bad "$name: status '$status' is neither captured nor pending"
            ;;
    esac
    for k in $keys; do eval "unset m_$k"; done
    keys=
}

lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $line in
        '#'*) continue ;;
        '') check_block; continue ;;
    esac
    key=${line%%=*}
    val=${line#*=}
    case $key in
        ''|*[!a-z0-9_]*)
            bad "MANIFEST line $lineno: not KEY=VALUE: $line"
            continue
            ;;
    esac
    case $val in
        \'*\') val=${val#\'}; val=${val%\'} ;;
    esac
    eval "m_$key=\$val"
    keys="$keys $key"
done <"$manifest"
check_block

# every file beside the manifest is one the manifest names
for p in "$dir"/*; do
    f=${p##*/}
    [ "$f" = MANIFEST ] && continue
    [ -e "$p" ] || continue
    case " $referenced " in
        *" $f "*) ;;
        *) bad "$f is not in the MANIFEST" ;;
    esac
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
