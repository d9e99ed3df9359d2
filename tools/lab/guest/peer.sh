#!/bin/sh
# peer.sh ROLE "PPP OPTIONS" [POOL]: the guest as a long-running real peer for a program on the host
# (the project's conformance peer), reached over the virtio NIC that qemu joins to a tap
# device in a host network namespace (tools/lab/peer-start).
#   guest eth0 192.0.2.1/24, host tap0 192.0.2.2/24; tunnel 10.0.0.1 (guest) / 10.0.0.2-9
#   ROLE server: pptpd listens on 192.0.2.1:1723, POOL calls at once (default 8: remoteip 10.0.0.2-9)
#   ROLE client: pptp + pppd dial 192.0.2.2:1723 again and again (3 s after each session ends)
# Lab test credentials: user alice, password wonderland42, server name pptpd.
# Everything the peers log (syslog: pptpd, pptpctrl, pptp, pppd debug) goes to the console,
# which the host keeps in build/lab/peer/console.log.
. /lab/lab-lib.sh
role=$1
pppopts=$2
pool=${3:-8}
case $pool in *[!0-9]*|'') pool=8 ;; esac
[ "$pool" -ge 1 ] && [ "$pool" -le 250 ] || pool=8
W=/run/peer
mkdir -p "$W"

$IP link set eth0 address 02:00:00:00:02:01 2>/dev/null
$IP addr add 192.0.2.1/24 dev eth0
$IP link set eth0 up
tail -f /run/messages >/dev/console &

for f in chap-secrets pap-secrets; do
    printf '# client server secret addresses (lab test credentials)\nalice * wonderland42 *\n' >"/etc/ppp/$f"
    chmod 600 "/etc/ppp/$f"
done

case $role in
    server)
        cat >"$W/pptpd.conf" <<EOF
option $W/pptpd-options
localip 10.0.0.1
remoteip 10.0.0.2-$((pool + 1))
connections $pool
EOF
        cat >"$W/pptpd-options" <<EOF
name pptpd
debug
nodefaultroute
nobsdcomp
nodeflate
novj
novjccomp
mtu 1400
mru 1400
$pppopts
EOF
        pptpd -f -d -c "$W/pptpd.conf" -p "$W/pptpd.pid" >/dev/console 2>&1 &
        wait_for 20 listening_1723 "" || echo "LAB: pptpd is not listening"
        echo "LAB: peer ready: pptpd listening on 192.0.2.1:1723, $pool calls at once, pppd options: $pppopts"
        wait
        ;;
    client)
        cat >"$W/client.options" <<EOF
user alice
password wonderland42
remotename pptpd
noauth
nodefaultroute
noipdefault
mtu 1400
mru 1400
nobsdcomp
nodeflate
novj
novjccomp
debug
$pppopts
EOF
        echo "LAB: peer ready: dialing 192.0.2.2:1723 every few seconds, pppd options: $pppopts"
        while :; do
            pppd nodetach linkname peer file "$W/client.options" \
                pty "pptp 192.0.2.2 --nolaunchpppd --logstring peer" >/dev/console 2>&1
            echo "LAB: pppd ended with status $?; dialing again in 3 s"
            sleep 3
        done
        ;;
    *)
        echo "LAB: unknown peer role '$role'"
        ;;
esac
