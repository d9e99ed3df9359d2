#!/bin/bash
# run-lab.sh: boot the lab guest(s), run the scenarios, bring back captures and logs,
# write captures/real/ and its MANIFEST, and check that every scenario ended as its
# scenario file says.
#
# Usage: tools/lab/run-lab.sh [SCENARIO...]     (default: every scenario not pending)
# Environment:
#   LAB_DIR      build folder holding vmlinuz and initrd.img   (default build/lab)
#   LAB_OUT      where captures and MANIFEST go                 (default captures/real)
#   LAB_JOBS     guests booted side by side                     (default 3)
#   LAB_TIMEOUT  seconds one guest may run                      (default 900)
#   LAB_QEMU     qemu binary                                    (default qemu-system-x86_64)
# The guests have no network device (-nic none); results come back on a raw disk.
# shellcheck disable=SC2154  # the scenario variables come from the sourced scenario files
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LAB_DIR=${LAB_DIR:-$top/build/lab}
LAB_OUT=${LAB_OUT:-$top/captures/real}
LAB_JOBS=${LAB_JOBS:-3}
LAB_TIMEOUT=${LAB_TIMEOUT:-900}
LAB_QEMU=${LAB_QEMU:-qemu-system-x86_64}
run=$LAB_DIR/run
check=$top/tests/lab/check-manifest.sh

die() { echo "run-lab: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v n="$1" -v a="$2" -v b="$(now)" 'BEGIN { printf "lab: %-34s %6.1f s\n", n, b - a }'; }

[ -f "$LAB_DIR/vmlinuz" ] && [ -f "$LAB_DIR/initrd.img" ] || die "no guest in $LAB_DIR: run tools/lab/build-guest.sh (make lab-guest)"
command -v "$LAB_QEMU" >/dev/null || die "$LAB_QEMU not found: make lab-deps"

# scenario files: NN-NAME.conf, plain sh assignments
scenario_file() { ls "$here"/scenarios/[0-9][0-9]-"$1".conf 2>/dev/null | head -n 1; }
all_names() { for f in "$here"/scenarios/[0-9][0-9]-*.conf; do f=${f##*/}; f=${f#[0-9][0-9]-}; echo "${f%.conf}"; done; }
load() { # NAME: the scenario's variables, defaults first (same defaults as the guest)
    # shellcheck disable=SC1091
    . "$here/guest/lab-lib.sh"
    scenario_defaults
    # shellcheck disable=SC1090
    . "$(scenario_file "$1")"
    [ -n "$secret" ] || secret=$password
}

if [ $# -gt 0 ]; then
    names="$*"
    for n in $names; do
        [ -n "$(scenario_file "$n")" ] || die "no scenario $n in tools/lab/scenarios"
        (load "$n"; [ "$status" != pending ]) || die "scenario $n is pending: there is nothing to run"
    done
else
    names=
    for n in $(all_names); do
        (load "$n"; [ "$status" != pending ]) && names="$names $n"
    done
fi
names=$(echo $names)

# ---------------------------------------------------------------- boot and run
t_all=$(now)
jobs=$LAB_JOBS
set -- $names
[ "$jobs" -gt $# ] && jobs=$#
# Scenarios are dealt to the guests longest first, each to the guest with the least work so
# far, by a rough estimate of guest seconds (measured: a clean session ~11 s, a refused one
# ~5 s, loss +13 s, echo timeout +6 s); each guest then runs its share in file order.
estimate() (
    load "$1"
    e=11
    [ "$expect_up" = no ] && e=6
    [ -n "$netem_loss" ] && e=$((e + 13))
    [ "$end" = echo-timeout ] && e=$((e + 6))
    [ -n "$gre_block" ] && e=$((e + 5))
    [ "$clients" -gt 1 ] && e=$((e + 2 * clients))
    echo "$e"
)
declare -a group load_s
for g in $(seq 0 $((jobs - 1))); do group[$g]=; load_s[$g]=0; done
for ne in $(for n in $names; do echo "$(estimate "$n"):$n"; done | sort -t: -k1,1nr); do
    best=0
    for g in $(seq 1 $((jobs - 1))); do
        [ "${load_s[$g]}" -lt "${load_s[$best]}" ] && best=$g
    done
    group[$best]="${group[$best]} ${ne#*:}"
    load_s[$best]=$((load_s[best] + ${ne%%:*}))
done
for g in $(seq 0 $((jobs - 1))); do # back to file order, comma separated
    group[$g]=$(for n in $names; do case " ${group[$g]} " in *" $n "*) echo "$n" ;; esac; done | paste -sd, -)
done
boot_guest() { # N: boot guest N with its scenarios; its console goes to console N.log
    truncate -s 64M "$run/out$1.img"
    timeout "$LAB_TIMEOUT" "$LAB_QEMU" -machine pc -m 512 -smp 1 -nographic -no-reboot \
        -nic none \
        -kernel "$LAB_DIR/vmlinuz" -initrd "$LAB_DIR/initrd.img" \
        -append "console=ttyS0 quiet panic=-1 lab.mode=capture lab.scenarios=${group[$1]}" \
        -drive "file=$run/out$1.img,format=raw,if=virtio" </dev/null 2>&1 |
        tr -d '\r' | tee "$run/console$1.log" |
        sed -u -n "s/^.*LAB: /lab:   guest $1: /p"
    echo "${PIPESTATUS[0]}" >"$run/qemu$1.rc"
}
if [ "${LAB_REUSE:-}" != 1 ]; then   # LAB_REUSE=1: post-process the last run again
    rm -rf "$run"
    mkdir -p "$run/results"
    echo "lab: $# scenarios on $jobs guest(s), no network device (-nic none)"
    t0=$(now)
    pids=
    for g in $(seq 0 $((jobs - 1))); do
        echo "lab: guest $g: ${group[$g]}"
        boot_guest "$g" &
        pids="$pids $!"
    done
    for p in $pids; do wait "$p"; done
    took "boot guests + run scenarios" "$t0"
fi
for g in $(seq 0 $((jobs - 1))); do
    rc=$(cat "$run/qemu$g.rc")
    [ "$rc" = 0 ] || echo "lab: guest $g: qemu exited with $rc (124: timeout after $LAB_TIMEOUT s); console: $run/console$g.log"
done
t0=$(now)
for g in $(seq 0 $((jobs - 1))); do
    mkdir -p "$run/results/guest$g"
    tar -xf "$run/out$g.img" -C "$run/results/guest$g" 2>/dev/null ||
        echo "lab: guest $g: no results on its disk"
    cp -rn "$run/results/guest$g/"* "$run/results/" 2>/dev/null || true
done
took "unpack results" "$t0"

# ---------------------------------------------------------------- compare, copy
t0=$(now)
mkdir -p "$LAB_OUT"
mismatch=0
declare -A observed
for n in $names; do
    r=$run/results/$n.result
    if [ ! -f "$r" ]; then
        echo "lab: MISMATCH $n: no result (see $run/results/$n.runner.log, $run/console*.log)"
        mismatch=$((mismatch + 1))
        observed[$n]="up=? data=? end=?"
        continue
    fi
    up=$(sed -n 's/^up=//p' "$r")
    data=$(sed -n 's/^data=//p' "$r")
    endv=$(sed -n 's/^end=//p' "$r")
    observed[$n]="$up $data $endv"
    (
        load "$n"
        ok=no
        for d in $expect_data; do [ "$d" = "$data" ] && ok=yes; done
        if [ "$up" = "$expect_up" ] && [ "$endv" = "$expect_end" ] && [ $ok = yes ]; then
            echo "lab: ok       $n: up=$up data=$data end=$endv"
        else
            echo "lab: MISMATCH $n: expected up=$expect_up data=$(echo $expect_data | tr ' ' '|') end=$expect_end, observed up=$up data=$data end=$endv"
            exit 1
        fi
    ) || mismatch=$((mismatch + 1))
    rm -f "$LAB_OUT/$n".*
    for f in "$run/results/$n".pcap "$run/results/$n".inner*.pcap "$run/results/$n".client.log "$run/results/$n".server.log; do
        [ -f "$f" ] || continue
        b=${f##*/}
        case $b in
            *.log)
                # keep logs small: a log over 256 KiB keeps its first and last 2000 lines
                if [ "$(wc -c <"$f")" -gt 262144 ]; then
                    { head -n 2000 "$f"; echo "[... trimmed by run-lab.sh ...]"; tail -n 2000 "$f"; } >"$LAB_OUT/$b"
                else
                    cp "$f" "$LAB_OUT/$b"
                fi
                ;;
            *) cp "$f" "$LAB_OUT/$b" ;;
        esac
    done
done

# ---------------------------------------------------------------- MANIFEST
q() { # KEY VALUE: one manifest line, single-quoted when needed
    case $2 in
        *"'"*) die "scenario value for $1 holds a single quote: $2" ;;
        *[!A-Za-z0-9_.,:/+%=@-]*|'') printf "%s='%s'\n" "$1" "$2" ;;
        *) printf '%s=%s\n' "$1" "$2" ;;
    esac
}
file_keys() { # ROLE FILE
    local f=$LAB_OUT/$2 info
    q "$1" "$2"
    if [ "${2%.pcap}" != "$2" ]; then
        info=$(sh "$check" --info "$f")
        set -- "$1" $info
        q "${1}_linktype" "$2"
        q "${1}_packets" "$3"
    fi
    q "${1}_bytes" "$(wc -c <"$f")"
    q "${1}_sha256" "$(sha256sum "$f" | cut -d' ' -f1)"
}
old=$LAB_OUT/MANIFEST
new=$LAB_OUT/MANIFEST.new
{
    cat <<EOF
# captures/real/MANIFEST: real PPTP sessions captured in the lab (docs/lab.md), written by
# tools/lab/run-lab.sh and checked by tests/lab/check-manifest.sh.
#
# Format: one block per scenario, blocks separated by blank lines, one KEY=VALUE per line;
# values holding spaces are in single quotes and never hold one, so a block is valid sh.
# Lines starting with # are comments. Keys:
#   name title status(captured|pending) reason(pending only)
#   auth mppe user password server_secret   lab test credentials, not secrets
#   server_opts client_opts common_opts      pppd options; pptpd_localip pptpd_remoteip
#   clients capture netem_loss gre_block end how the session was set up and ended
#   expect_up expect_data expect_end         what the scenario file expects (data: a|b = either)
#   observed_up observed_data observed_end   what the runner saw in this capture
#     up: yes|no|partial; data: ok (3 ping sizes x2 + 32 KiB HTTP) | tcp-ok (HTTP only) | partial | none
#     end: term-by-client auth-failed mppe-refused mppe-unavailable lcp-timeout echo-timeout hangup no-call
#   exercises notes
#   ROLE ROLE_bytes ROLE_sha256 [ROLE_linktype ROLE_packets] for ROLE in pcap (the wire, server
#     namespace), inner (ppp0 in the client namespace: clear PPP payloads, the decryption oracle),
#     inner1 inner2 (ppp1, ppp2), client_log, server_log (pppd debug logs + pptp/pptpd syslog)
#     linktype: 1 Ethernet (the veth), 113 LINUX_SLL (ppp0), 276 LINUX_SLL2 (tcpdump -i any)
# Random on every run (so every regeneration differs): CHAP/MS-CHAP challenges, LCP magic
# numbers, MPPE session keys and ciphertext, TCP ports and sequence numbers, PPTP call IDs,
# time stamps, and under netem which packets are lost.
#
# Guest packages (Debian 12) of the last run:
EOF
    sed 's/^/#   /' "$LAB_DIR/packages.txt"
    for n in $(all_names); do
        case " $names " in
            *" $n "*) ;;
            *)
                # not run this time: keep the old manifest's block (pending ones are written anew)
                if (load "$n"; [ "$status" != pending ]); then
                    [ -f "$old" ] && awk -v n="$n" 'BEGIN { RS = "" } $0 ~ "(^|\n)name=" n "(\n|$)" { print ""; print }' "$old"
                    continue
                fi
                ;;
        esac
        echo
        (
            load "$n"
            q name "$name"
            q title "$title"
            q status "$status"
            q auth "$auth"
            q mppe "$mppe"
            if [ "$status" = pending ]; then
                q reason "$reason"
                if [ -n "$netem_loss" ]; then q netem_loss "$netem_loss"; fi
                exit 0
            fi
            q user "$user"
            q password "$password"
            q server_secret "$secret"
            q server_opts "$server_opts"
            q client_opts "$client_opts"
            q common_opts 'mtu 1400 mru 1400 nobsdcomp nodeflate novj novjccomp debug (server: name pptpd, via pptpd -d; client: remotename pptpd noauth noipdefault nodefaultroute child-timeout 1 updetach, pty "setsid pptp SERVER --nolaunchpppd --localbind ADDR")'
            q pptpd_localip "$localip"
            q pptpd_remoteip "$remoteip"
            q clients "$clients"
            if [ "$outer" = ipv6 ]; then
                q topology 'server 2001:db8::1, client 2001:db8::2, one veth inside the guest (IPv6 only)'
            else
                if [ "$clients" = 1 ]; then
                    q topology 'server 192.0.2.1, client 192.0.2.2, one veth inside the guest'
                else
                    q topology "server 192.0.2.1, clients 192.0.2.2-$((1 + clients)), one veth inside the guest"
                fi
            fi
            q capture "tcpdump -i $capture_if in the server namespace"
            q netem_loss "${netem_loss:-none}"
            q gre_block "${gre_block:-none}"
            q end "$end"
            q expect_up "$expect_up"
            q expect_data "$(echo $expect_data | tr ' ' '|')"
            q expect_end "$expect_end"
            set -- ${observed[$n]:-"-" "-" "-"}
            q observed_up "$1"
            q observed_data "$2"
            q observed_end "$3"
            q exercises "$exercises"
            if [ -n "$notes" ]; then q notes "$notes"; fi
            if [ -f "$LAB_OUT/$n.pcap" ]; then file_keys pcap "$n.pcap"; fi
            for f in "$LAB_OUT/$n".inner.pcap "$LAB_OUT/$n".inner[0-9].pcap; do
                [ -f "$f" ] || continue
                b=${f##*/}
                r=${b#"$n".}
                file_keys "${r%.pcap}" "$b"
            done
            if [ -f "$LAB_OUT/$n.client.log" ]; then file_keys client_log "$n.client.log"; fi
            if [ -f "$LAB_OUT/$n.server.log" ]; then file_keys server_log "$n.server.log"; fi
        )
    done
} >"$new"
mv "$new" "$old"
took "compare, copy, write MANIFEST" "$t0"

t0=$(now)
if sh "$check" "$old" >"$run/check.log" 2>&1; then
    echo "lab: check-manifest: $(tail -n 1 "$run/check.log")"
else
    grep '^FAIL' "$run/check.log" || true
    echo "lab: check-manifest: $(tail -n 1 "$run/check.log")"
    mismatch=$((mismatch + 1))
fi
took "check manifest" "$t0"
took "lab run in all" "$t_all"
if [ "$mismatch" -gt 0 ]; then
    echo "lab: $mismatch problem(s); guest logs in $run"
    exit 1
fi
echo "lab: all $(echo $names | wc -w) scenarios ended as their manifest entries say"
