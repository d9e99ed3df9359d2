# lab-lib.sh: helpers shared by the guest's scenario runner and peer script (busybox sh).
# The guest's two namespaces: "srv" runs pptpd (192.0.2.1), "cli" runs pptp + pppd
# (192.0.2.2 and up). These addresses exist only inside the guest.

# shellcheck disable=SC2034  # the variables here are used by the scripts that source this file
IP=/usr/bin/ip          # iproute2, never busybox's applet (no netns support there)
S="$IP netns exec srv"
C="$IP netns exec cli"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# log MESSAGE: one timestamped line (guest uptime) on stdout, the runner log
log() { echo "[$(uptime_s)] $*"; }

# wait_for SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds; 1 if it never did
wait_for() {
    _n=$(($1 * 5))
    shift
    while [ "$_n" -gt 0 ]; do
        "$@" 2>/dev/null && return 0
        sleep 0.2
        _n=$((_n - 1))
    done
    return 1
}

alive() { kill -0 "$1" 2>/dev/null; }
none_alive() {
    for _p in "$@"; do alive "$_p" && return 1; done
    return 0
}
no_process() { [ -z "$(pidof "$1")" ]; }

# listening_1723 [NS]: a socket in LISTEN state on TCP port 1723 in namespace NS (or in this one)
listening_1723() {
    _x=
    [ -n "$1" ] && _x="$IP netns exec $1"
    $_x cat /proc/net/tcp /proc/net/tcp6 | awk '$2 ~ /:06BB$/ && $4 == "0A" { f = 1 } END { exit !f }'
}

# start_tcpdump NS IFACE FILE ERRFILE: start a capture, wait until it listens; prints its pid
start_tcpdump() {
    # stdout to /dev/null: callers read the pid through $(...), which waits for stdout to close
    $IP netns exec "$1" tcpdump -i "$2" -nn -U --immediate-mode -Z root -w "$3" >/dev/null 2>"$4" &
    _pid=$!
    wait_for 10 grep -q 'listening on' "$4" || log "tcpdump on $1/$2 did not start: $(cat "$4")"
    echo "$_pid"
}

# stop_pid PID [SIGNAL]: signal a process and wait (at most 10 s) for it to go
stop_pid() {
    [ -n "$1" ] || return 0
    kill "-${2:-TERM}" "$1" 2>/dev/null
    wait_for 10 eval "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# scenario_defaults: every knob a scenario file may set, with its default
scenario_defaults() {
    name=
    title=
    status=captured
    auth=mschapv2
    mppe=128
    user=alice
    password=wonderland42
    secret=
    server_opts=
    client_opts=
    clients=1
    localip=10.0.0.1
    remoteip=10.0.0.2-9
    capture_if=eth0
    outer=ipv4
    netem_loss=
    gre_block=
    end=term
    traffic=yes
    expect_up=yes
    expect_data=ok
    expect_end=term-by-client
    exercises=
    notes=
    reason=
}

load_scenario() {
    scenario_defaults
    _f=$(ls /lab/scenarios/[0-9][0-9]-"$1".conf 2>/dev/null | head -n 1)
    [ -n "$_f" ] || { echo "no scenario $1" >&2; return 1; }
    . "$_f"
    [ -n "$secret" ] || secret=$password
}
