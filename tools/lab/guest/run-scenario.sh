#!/bin/sh
# run-scenario.sh NAME: run one lab scenario inside the guest (busybox sh).
# Builds the srv/cli namespaces and the veth between them, captures the wire in srv
# (/out/NAME.pcap) and ppp0 in cli (/out/NAME.inner.pcap, plus NAME.innerN.pcap for
# client N > 0), brings the tunnel(s) up, carries data, ends the session the way the
# scenario says, then writes the pppd logs (/out/NAME.client.log, /out/NAME.server.log)
# and what was observed (/out/NAME.result: up=, data=, end=).
# shellcheck disable=SC2154  # the scenario variables come from lab-lib.sh and the scenario file
. /lab/lab-lib.sh
name=$1
load_scenario "$name" || exit 1
W=/run/lab/$name
O=/out
rm -rf "$W"
mkdir -p "$W/www"
syslog_start=$(wc -l </run/messages)
log "scenario $name: $title"

# ------------------------------------------------------------------ the wire
$IP netns add srv
$IP netns add cli
$IP link add vs type veth peer name vc
$IP link set vs netns srv
$IP link set vc netns cli
$S $IP link set vs name eth0
$C $IP link set vc name eth0
$S $IP link set eth0 address 02:00:00:00:02:01
$C $IP link set eth0 address 02:00:00:00:02:02
$S $IP link set lo up
$C $IP link set lo up
if [ "$outer" = ipv6 ]; then
    server=2001:db8::1
    $S $IP -6 addr add 2001:db8::1/64 dev eth0 nodad
    i=0
    while [ $i -lt "$clients" ]; do
        $C $IP -6 addr add "2001:db8::$((2 + i))/64" dev eth0 nodad
        i=$((i + 1))
    done
else
    server=192.0.2.1
    $S $IP addr add 192.0.2.1/24 dev eth0
    i=0
    while [ $i -lt "$clients" ]; do
        $C $IP addr add "192.0.2.$((2 + i))/24" dev eth0
        i=$((i + 1))
    done
fi
$S $IP link set eth0 up
$C $IP link set eth0 up
if [ "$gre_block" = client-to-server ]; then
    # GRE (IP protocol 47) from the client is dropped as it leaves; TCP 1723 passes
    $C tc qdisc add dev eth0 clsact
    $C tc filter add dev eth0 egress protocol ip u32 match ip protocol 47 0xff action drop
    log "GRE client->server blocked: $($C tc filter show dev eth0 egress | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ server side
outer_pid=$(start_tcpdump srv "$capture_if" "$O/$name.pcap" "$W/tcpdump-outer.err")
awk 'BEGIN { for (i = 0; i < 1024; i++) printf "pptp-suite lab payload line %04d\n", i }' >"$W/www/blob.txt"
blob_size=$(wc -c <"$W/www/blob.txt")
$S httpd -f -p 80 -h "$W/www" >/dev/null 2>&1 &
httpd_pid=$!

for f in chap-secrets pap-secrets; do
    printf '# client server secret addresses (lab test credentials)\n%s pptpd %s *\n' "$user" "$secret" >"/etc/ppp/$f"
    chmod 600 "/etc/ppp/$f"
done
cat >"$W/pptpd.conf" <<EOF
option $W/pptpd-options
localip $localip
remoteip $remoteip
connections 8
EOF
cat >"$W/pptpd-options" <<EOF
name pptpd
debug
logfile $W/server.pppd.log
nodefaultroute
nobsdcomp
nodeflate
novj
novjccomp
mtu 1400
mru 1400
$server_opts
EOF
$S pptpd -f -d -c "$W/pptpd.conf" -p "$W/pptpd.pid" >"$W/pptpd.out" 2>&1 &
pptpd_pid=$!
wait_for 10 listening_1723 srv || log "pptpd is not listening"
log "pptpd listening (pid $pptpd_pid)"
if [ "$outer" = ipv6 ]; then
    # evidence for the IPv6 question: the sockets pptpd listens on
    {
        echo "## sockets on TCP port 1723 in the server namespace while pptpd ran (/proc/net/tcp, tcp6)"
        $S cat /proc/net/tcp | awk 'NR == 1 || $2 ~ /:06BB$/'
        $S cat /proc/net/tcp6 | awk 'NR == 1 || $2 ~ /:06BB$/'
        n4=$($S cat /proc/net/tcp | awk '$2 ~ /:06BB$/ && $4 == "0A"' | wc -l)
        n6=$($S cat /proc/net/tcp6 | awk '$2 ~ /:06BB$/ && $4 == "0A"' | wc -l)
        echo "(listening on TCP port 1723: $n4 IPv4 socket(s), $n6 IPv6 socket(s))"
    } >"$W/listen"
fi

# ------------------------------------------------------------------ clients
i=0
pids=
while [ $i -lt "$clients" ]; do
    cat >"$W/client$i.options" <<EOF
user $user
password $password
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
child-timeout 1
debug
logfile $W/client$i.pppd.log
$client_opts
EOF
    # --localbind (needed for several clients in one namespace) takes IPv4 only (inet_aton):
    # the IPv6 probe goes without it, to give pptp its best chance
    bindopt="--localbind 192.0.2.$((2 + i))"
    [ "$outer" = ipv6 ] && bindopt=
    # updetach: the command returns once the link is up (status 0) or pppd gave up.
    # pptp runs under setsid so that ending pppd lets LCP terminate before pptp goes.
    $C timeout 60 pppd updetach linkname "cli$i" unit "$i" file "$W/client$i.options" \
        pty "setsid pptp $server --nolaunchpppd $bindopt --logstring cli$i" \
        >"$W/client$i.stdout" 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
i=0
up=yes
upcount=0
for p in $pids; do
    wait "$p"
    rc=$?
    log "client $i: pppd updetach returned $rc"
    echo "$rc" >"$W/client$i.rc"
    if [ "$rc" = 0 ]; then upcount=$((upcount + 1)); else up=no; fi
    i=$((i + 1))
done
[ "$upcount" = 0 ] && up=no
[ "$upcount" -gt 0 ] && [ "$upcount" -lt "$clients" ] && up=partial

# ------------------------------------------------------------------ data
inner_pids=
if [ "$upcount" -gt 0 ]; then
    i=0
    while [ $i -lt "$clients" ]; do
        if [ "$(cat "$W/client$i.rc")" = 0 ]; then
            f=$O/$name.inner.pcap
            [ $i -gt 0 ] && f=$O/$name.inner$i.pcap
            inner_pids="$inner_pids $(start_tcpdump cli "ppp$i" "$f" "$W/tcpdump-inner$i.err")"
        fi
        i=$((i + 1))
    done
    if [ -n "$netem_loss" ]; then
        $S tc qdisc add dev eth0 root netem loss "$netem_loss"
        $C tc qdisc add dev eth0 root netem loss "$netem_loss"
        log "netem loss $netem_loss on both ends of the wire"
    fi
    if [ "$traffic" = yes ]; then
        i=0
        tpids=
        while [ $i -lt "$clients" ]; do
            (
                peer=$($C $IP -o -4 addr show dev "ppp$i" 2>/dev/null | sed -n 's/.* peer \([0-9.]*\).*/\1/p')
                [ -n "$peer" ] || exit 0
                for sz in 56 500 1400; do
                    $C ping -c 2 -s $sz -W 3 "$peer" >"$W/ping$i.$sz" 2>&1
                done
                # (busybox 1.35 wget -T crashes: bound it with timeout instead)
                $C timeout 40 wget -q -O "$W/got$i" "http://$peer/blob.txt" >"$W/wget$i" 2>&1
            ) &
            tpids="$tpids $!"
            i=$((i + 1))
        done
        for p in $tpids; do wait "$p"; done
        log "traffic done"
    fi
    if [ -n "$netem_loss" ]; then
        $S tc qdisc del dev eth0 root
        $C tc qdisc del dev eth0 root
        log "netem removed"
    fi
    sleep 0.5
    for p in $inner_pids; do stop_pid "$p" INT; done
fi

# ------------------------------------------------------------------ the end
client_pppd=
i=0
while [ $i -lt "$clients" ]; do
    [ -f "/run/ppp-cli$i.pid" ] && client_pppd="$client_pppd $(head -n 1 "/run/ppp-cli$i.pid")"
    i=$((i + 1))
done
if [ "$upcount" -gt 0 ]; then
    case $end in
        term)
            log "ending: SIGTERM to client pppd$client_pppd"
            for p in $client_pppd; do kill -TERM "$p"; done
            wait_for 20 none_alive $client_pppd || log "client pppd still alive"
            ;;
        echo-timeout)
            log "ending: dropping everything on the wire (netem loss 100%) until LCP echo gives up"
            $S tc qdisc add dev eth0 root netem loss 100%
            $C tc qdisc add dev eth0 root netem loss 100%
            wait_for 40 none_alive $client_pppd || log "client pppd still alive"
            log "client pppd gone; wire restored"
            $S tc qdisc del dev eth0 root
            $C tc qdisc del dev eth0 root
            ;;
        kill9)
            victims="$client_pppd $(pidof pptp)"
            log "ending: SIGKILL to client pppd and pptp:$victims"
            for p in $victims; do kill -KILL "$p"; done
            ;;
    esac
fi
# wait for every pppd (the server's ends when its call or TCP connection goes)
wait_for 40 no_process pppd || log "pppd still running: $(pidof pppd)"
wait_for 10 no_process pptp || { log "pptp still running, killing"; kill -KILL $(pidof pptp) 2>/dev/null; }
sleep 1
log "stopping pptpd, httpd, capture"
stop_pid "$pptpd_pid" TERM
for p in $(pidof pptpctrl); do kill -KILL "$p"; done
stop_pid "$httpd_pid" TERM
stop_pid "$outer_pid" INT
$IP netns del cli
$IP netns del srv

# ------------------------------------------------------------------ what happened
tail -n +"$((syslog_start + 1))" /run/messages >"$W/syslog"
CL=$W/client.all
cat "$W"/client*.pppd.log >"$CL" 2>/dev/null
SL=$W/server.pppd.log
touch "$SL"
nterm=$(grep -c 'LCP terminated by peer' "$SL")
if grep -q 'authentication failed' "$CL" "$SL"; then end_seen=auth-failed
elif grep -q 'MPPE required but not available' "$CL" "$SL"; then end_seen=mppe-unavailable
elif grep -qE "MPPE required|Protocol-Reject for 'Compression Control Protocol'" "$CL"; then end_seen=mppe-refused
elif grep -q 'LCP: timeout sending Config-Requests' "$CL"; then end_seen=lcp-timeout
elif grep -qE 'No response to [0-9]+ echo-requests' "$CL"; then end_seen=echo-timeout
elif [ "$nterm" -ge "$clients" ]; then end_seen=term-by-client
elif [ ! -s "$SL" ]; then end_seen=no-call
elif grep -q 'Modem hangup' "$SL"; then end_seen=hangup
else end_seen=unknown
fi

data=none
if [ "$traffic" = yes ] && [ "$upcount" -gt 0 ]; then
    ok_all=yes
    tcp_all=yes
    any=no
    i=0
    while [ $i -lt "$clients" ]; do
        for sz in 56 500 1400; do
            if grep -q '2 packets received' "$W/ping$i.$sz" 2>/dev/null; then any=yes; else ok_all=no; fi
        done
        if [ -f "$W/got$i" ] && [ "$(wc -c <"$W/got$i")" = "$blob_size" ]; then any=yes; else ok_all=no; tcp_all=no; fi
        i=$((i + 1))
    done
    if [ $ok_all = yes ]; then data=ok
    elif [ $tcp_all = yes ]; then data=tcp-ok
    elif [ $any = yes ]; then data=partial
    fi
fi
{
    echo "up=$up"
    echo "data=$data"
    echo "end=$end_seen"
} >"$O/$name.result"

# ------------------------------------------------------------------ logs
{
    echo "# $name: client side. Lab test credentials: user '$user', password '$password'."
    i=0
    while [ $i -lt "$clients" ]; do
        echo "## pppd debug log, client $i"
        cat "$W/client$i.pppd.log" 2>/dev/null
        if [ -s "$W/client$i.stdout" ]; then
            echo "## pppd stdout/stderr, client $i"
            cat "$W/client$i.stdout"
        fi
        i=$((i + 1))
    done
    echo "## syslog: pptp"
    grep -E ' pptp\[[0-9]+\]' "$W/syslog"
    echo "## traffic through the tunnel"
    i=0
    while [ $i -lt "$clients" ]; do
        for sz in 56 500 1400; do
            [ -f "$W/ping$i.$sz" ] && echo "client $i ping -s $sz: $(grep 'packets transmitted' "$W/ping$i.$sz")"
        done
        [ -f "$W/got$i" ] && echo "client $i wget blob.txt: $(wc -c <"$W/got$i") of $blob_size bytes"
        i=$((i + 1))
    done
} >"$O/$name.client.log"
{
    echo "# $name: server side (pptpd, pptpctrl, pppd)."
    echo "## pptpd.conf"
    cat "$W/pptpd.conf"
    echo "## pppd debug log (all calls)"
    cat "$SL"
    echo "## syslog: pptpd, pptpctrl"
    # pptpd -d logs one "GRE: accepting packet #N" line per GRE packet: counted, not kept
    grep -E ' (pptpd|pptpctrl)\[[0-9]+\]' "$W/syslog" | grep -v 'GRE: accepting packet #'
    echo "($(grep -c 'GRE: accepting packet #' "$W/syslog") pptpd 'GRE: accepting packet #N' debug lines left out)"
} >"$O/$name.server.log"
[ -f "$W/listen" ] && cat "$W/listen" >>"$O/$name.server.log"
log "observed: up=$up data=$data end=$end_seen"
# the runner's work folder comes back too (build/lab/run/results/work-NAME), for debugging
rm -rf "$W/www"
cp -r "$W" "$O/work-$name"
