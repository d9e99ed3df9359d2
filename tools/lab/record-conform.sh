#!/bin/bash
# record-conform.sh: record the lab sessions that need pptp-conform at one end (stateful MPPE:
# pppd at both ends always settles on stateless), against the real pptpd + pppd + kernel MPPE
# in the guest (tools/lab/peer-start), and write their captures/real/MANIFEST blocks.
#
# Usage: tools/lab/record-conform.sh [--role server|client] [NAME...]
#   --role server (default): pptpd + pppd in the guest, pptp-conform the client (PNS), the scenarios
#   of tools/lab/conform/ (default: every one); --role client: pptp-linux + pppd in the guest dial
#   pptp-conform, the server (PAC, pptp-conform --listen), the scenarios of tools/lab/conform-client/
#   (pppd always asks the H bit first: the server role Naks it to record stateful MPPE from pptp-linux).
#   Each tools/lab/conform/NAME.pptp is a pptp-conform scenario; NAME.meta holds its MANIFEST
#   keys (title auth mppe exercises expect_*). The wire capture is tcpdump on the host's tap0
#   (Ethernet, both directions as they crossed the link); the inner capture is pptp-conform's
#   --write-inner (the clear packets, the decryption oracle). Needs root and a built guest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${LAB_OUT:-$top/captures/real}
ns=${LAB_PEER_NETNS:-pptp-lab}
conform=$top/bin/pptp-conform
analyze=$top/bin/pptp-analyze
role=server
if [ "${1:-}" = --role ]; then role=$2; shift 2; fi
case $role in
    server) opts='require-mschap-v2 require-mppe-128 mppe-stateful' sdir=$here/conform ;;
    client) opts='require-mppe-128 mppe-stateful' sdir=$here/conform-client ;;
    *) echo "record-conform: --role is server or client" >&2; exit 1 ;;
esac
[ -x "$conform" ] && [ -x "$analyze" ] || { echo "record-conform: make bin/pptp-conform bin/pptp-analyze first" >&2; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$sdir"/*.pptp; do names+=("$(basename "$f" .pptp)"); done
fi

"$here/peer-start" --role "$role" --ppp-opts "$opts"
trap '"$here/peer-stop" >/dev/null 2>&1 || true' EXIT
tmp=$(mktemp -d)
printf 'wonderland42\n' >"$tmp/pw"

sha() { sha256sum "$1" | cut -d' ' -f1; }
info() { sh "$top/tests/lab/check-manifest.sh" --info "$1"; }

for name in "${names[@]}"; do
    scn=$sdir/$name.pptp
    [ -f "$scn" ] || { echo "record-conform: $scn: no such scenario" >&2; exit 1; }
    rm -f "$out/$name".*
    ip netns exec "$ns" tcpdump -i tap0 -U -s 0 -w "$out/$name.pcap" 'tcp port 1723 or proto 47' 2>"$tmp/tcpdump.err" &
    tcpd=$!
    sleep 1
    lines_before=$(wc -l <"$top/build/lab/peer/console.log")
    set +e
    if [ $role = server ]; then
        ip netns exec "$ns" "$conform" --target 192.0.2.1 --user alice --password-file "$tmp/pw" \
            --run "$scn" --write-inner "$out/$name.inner.pcap" --seed 0x5eed >"$out/$name.client.log" 2>&1
    else
        ip netns exec "$ns" "$conform" --listen 192.0.2.2 --user alice --password-file "$tmp/pw" -T 40 \
            --run "$scn" --write-inner "$out/$name.inner.pcap" --seed 0x5eed >"$out/$name.server.log" 2>&1
    fi
    rc=$?
    set -e
    sleep 2
    kill -INT $tcpd; wait $tcpd 2>/dev/null || true
    # the guest's pppd/pptpd log lines of this session
    guestlog=$out/$name.server.log
    [ $role = client ] && guestlog=$out/$name.client.log
    tail -n +"$((lines_before + 1))" "$top/build/lab/peer/console.log" | grep -E 'pppd|pptpd|pptp\[' >"$guestlog" || true
    # what happened, from the capture itself
    verdict=$(PPTP_PASSWORD=wonderland42 "$analyze" --verdict "$out/$name.pcap" || true)
    up=no; case $verdict in *"[ok]"*|*"tunnel up"*) up=yes ;; esac
    data=none; [ $rc -eq 0 ] && data=ok
    end=term-by-client
    [ $role = client ] && end=term-by-server
    echo "record-conform: $name: pptp-conform exit $rc; $verdict"
    read -r plt ppk pby < <(info "$out/$name.pcap")
    read -r ilt ipk iby < <(info "$out/$name.inner.pcap")
    {
        echo
        echo "name=$name"
        cat "$sdir/$name.meta"
        echo "user=alice"
        echo "password=wonderland42"
        echo "server_secret=wonderland42"
        if [ $role = server ]; then
            echo "server_opts='$opts'"
            echo "client_opts='pptp-conform --run tools/lab/conform/$name.pptp --seed 0x5eed'"
            echo "common_opts='pptpd in the guest with mtu 1400 mru 1400 nobsdcomp nodeflate novj novjccomp debug; pptp-conform in the host namespace $ns'"
            echo "pptpd_localip=10.0.0.1"
            echo "pptpd_remoteip=10.0.0.2-9"
            echo "clients=1"
            echo "topology='server 192.0.2.1 (guest eth0), client 192.0.2.2 (host tap0 in namespace $ns)'"
        else
            echo "server_opts='pptp-conform --listen 192.0.2.2 --run tools/lab/conform-client/$name.pptp --seed 0x5eed (PAC: MS-CHAPv2 authenticator, IPCP 10.0.0.1 / 10.0.0.2)'"
            echo "client_opts='pptp 192.0.2.2 --nolaunchpppd; pppd user alice remotename pptpd noauth noipdefault mtu 1400 mru 1400 nobsdcomp nodeflate novj novjccomp debug $opts'"
            echo "common_opts='pptp-linux 1.10.0 + pppd 2.4.9 (kernel MPPE) in the guest; pptp-conform in the host namespace $ns'"
            echo "clients=1"
            echo "topology='client 192.0.2.1 (guest eth0, pptp-linux), server 192.0.2.2 (host tap0 in namespace $ns, pptp-conform)'"
        fi
        echo "capture='tcpdump -i tap0 in the host namespace; inner: pptp-conform --write-inner'"
        echo "observed_up=$up"
        echo "observed_data=$data"
        echo "observed_end=$end"
        echo "pcap=$name.pcap"
        echo "pcap_linktype=$plt"
        echo "pcap_packets=$ppk"
        echo "pcap_bytes=$pby"
        echo "pcap_sha256=$(sha "$out/$name.pcap")"
        echo "inner=$name.inner.pcap"
        echo "inner_linktype=$ilt"
        echo "inner_packets=$ipk"
        echo "inner_bytes=$iby"
        echo "inner_sha256=$(sha "$out/$name.inner.pcap")"
        echo "client_log=$name.client.log"
        echo "client_log_bytes=$(stat -c %s "$out/$name.client.log")"
        echo "client_log_sha256=$(sha "$out/$name.client.log")"
        echo "server_log=$name.server.log"
        echo "server_log_bytes=$(stat -c %s "$out/$name.server.log")"
        echo "server_log_sha256=$(sha "$out/$name.server.log")"
    } >"$tmp/$name.block"
    # replace the block of that name (pending or captured) in the MANIFEST
    awk -v name="$name" -v blockfile="$tmp/$name.block" '
        BEGIN { RS = ""; ORS = "\n\n" }
        $0 ~ "(^|\n)name=" name "(\n|$)" { while ((getline l < blockfile) > 0) if (l != "") b = b l "\n"; printf "%s\n", b; done = 1; next }
        { print }
        END { if (!done) { while ((getline l < blockfile) > 0) if (l != "") b = b l "\n"; printf "%s\n", b } }
    ' "$out/MANIFEST" >"$tmp/MANIFEST"
    sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/MANIFEST" >"$out/MANIFEST"
done
rm -rf "$tmp"
