#!/bin/bash
# interop.sh: `make interop`: pptp-conform's scenario library against the lab's real pptpd + pppd
# with kernel MPPE, and its server-role library against the real pptp-linux client (tools/lab/peer-start),
# then docs/interop.md from the results.
#
#   runs    1. the whole client-role library against pptpd configured for MS-CHAPv2 and MPPE-128
#              (stateless or stateful: mppe-stateful);
#           2. the 40-bit scenarios against pptpd configured for MPPE-40.
#           3. the server-role library (srv-*, pptp-conform --listen as the PAC) against pptp-linux 1.10.0
#              + pppd in the guest dialing 192.0.2.2 again and again (peer-start --role client);
#           4. a load run (--load) and a mutation run (--mutate) against pptpd.
#   writes  build/interop/RUN.{txt,jsonl,pcap} and docs/interop.md: one row per scenario with its
#           verdict, and for each FAIL the classification kept in tools/lab/interop-notes
#           (scenario id, then "pptpd: ..." for a departure of the peer with its RFC section and
#           the evidence, or "scenario: ..." for a scenario that was wrong and was fixed).
#   exit    0 when every FAIL is classified; 1 when a FAIL has no note (read it, then classify
#           it or fix the scenario); 2 for setup errors. Needs root (network namespaces).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/interop
conform=$top/bin/pptp-conform
analyze=$top/bin/pptp-analyze
notes=$here/interop-notes
doc=${INTEROP_DOC:-$top/docs/interop.md}
ns=${LAB_PEER_NETNS:-pptp-lab}
mkdir -p "$out"
printf 'wonderland42\n' >"$out/pw"
[ -x "$conform" ] && [ -x "$analyze" ] || { echo "interop: build bin/pptp-conform and bin/pptp-analyze first" >&2; exit 2; }

t_all=$(date +%s)
# INTEROP_ONLY="NAME ...": run only these (the others' results of the last run in build/interop are reused)
only() { [ -z "${INTEROP_ONLY:-}" ] || case " $INTEROP_ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
run() { # run NAME PPP-OPTS PEER-HAS [pptp-conform args...]
    local name=$1 opts=$2 has=$3
    shift 3
    echo "$opts" >"$out/$name.opts"
    "$here/peer-stop" >/dev/null 2>&1 || true
    "$here/peer-start" --role server --ppp-opts "$opts" >"$out/$name.peer.log" 2>&1 ||
        { echo "interop: peer-start failed (see $out/$name.peer.log)" >&2; exit 2; }
    local t0=$(date +%s)
    ip netns exec "$ns" "$conform" --target 192.0.2.1 --user alice --password-file "$out/pw" \
        --peer-has "$has" --seed 0x1e57 --pause 1 --json "$out/$name.jsonl" --pcap "$out/$name.pcap" "$@" >"$out/$name.txt" 2>&1
    echo "interop: $name: $(tail -1 "$out/$name.txt") in $(( $(date +%s) - t0 )) s (pppd: $opts)"
    cp "$top/build/lab/peer/console.log" "$out/$name.console.log" 2>/dev/null || true
    "$here/peer-stop" >/dev/null 2>&1 || true
}

only pptpd-mppe128 && run pptpd-mppe128 'require-mschap-v2 require-mppe-128 mppe-stateful' mppe-stateful
only pptpd-mppe40 && run pptpd-mppe40 'require-mschap-v2 require-mppe-40 mppe-stateful' mppe40,mppe-stateful -s 'mppe-40-*'

# the server role: the guest's pptp-linux dials us; each srv-* scenario takes the next call. pppd's
# maxconnect ends each session after 12 s, so the client-initiated teardown (srv-session-basic) happens
run_client() { # run_client NAME PPP-OPTS PEER-HAS [pptp-conform args...]
    local name=$1 opts=$2 has=$3
    shift 3
    echo "$opts" >"$out/$name.opts"
    "$here/peer-stop" >/dev/null 2>&1 || true
    "$here/peer-start" --role client --ppp-opts "$opts" >"$out/$name.peer.log" 2>&1 ||
        { echo "interop: peer-start --role client failed (see $out/$name.peer.log)" >&2; exit 2; }
    local t0=$(date +%s)
    ip netns exec "$ns" "$conform" --listen 192.0.2.2 --user alice --password-file "$out/pw" \
        --peer-has "$has" --seed 0x1e58 --json "$out/$name.jsonl" --pcap "$out/$name.pcap" "$@" >"$out/$name.txt" 2>&1
    echo "interop: $name: $(tail -1 "$out/$name.txt") in $(( $(date +%s) - t0 )) s (pppd: $opts)"
    cp "$top/build/lab/peer/console.log" "$out/$name.console.log" 2>/dev/null || true
    "$here/peer-stop" >/dev/null 2>&1 || true
}
only pptp-linux && run_client pptp-linux 'require-mppe-128 mppe-stateful maxconnect 12' mppe-stateful -T 15

# load and mutation against pptpd: the load run with a pool of 100 calls (peer-start --pool 100), so the
# figure is where pptpd in the 1-CPU TCG guest starts to fail, not its configured limit
run_other() { # run_other NAME PPP-OPTS POOL [pptp-conform args...]   (POOL: pptpd's calls at once, peer-start --pool)
    local name=$1 opts=$2 pool=$3
    shift 3
    echo "$opts" >"$out/$name.opts"
    "$here/peer-stop" >/dev/null 2>&1 || true
    "$here/peer-start" --role server --ppp-opts "$opts" --pool "$pool" >"$out/$name.peer.log" 2>&1 ||
        { echo "interop: peer-start failed (see $out/$name.peer.log)" >&2; exit 2; }
    local t0=$(date +%s)
    ip netns exec "$ns" "$conform" --target 192.0.2.1 --user alice --password-file "$out/pw" "$@" >"$out/$name.txt" 2>&1
    echo $? >"$out/$name.rc"
    echo "interop: $name: exit $(cat "$out/$name.rc") in $(( $(date +%s) - t0 )) s"
    cp "$top/build/lab/peer/console.log" "$out/$name.console.log" 2>/dev/null || true
    "$here/peer-stop" >/dev/null 2>&1 || true
}
only pptpd-load && run_other pptpd-load 'require-mschap-v2 require-mppe-128' 100 --load 100 --rate 10 --duration 40 --timeout 30 --seed 0x10ad
# the mutation run: one fresh guest per seed (a seed that kills pptpd leaves the next one a live target);
# MUTATE_SEEDS and MUTATE_COUNT change the run (the figures of the last run are in build/interop/pptpd-mutate-SEED.*);
# MUTATE_APPEND=1 keeps the seeds of the last run and adds these (docs/interop.md lists them all)
mutate_seeds=${MUTATE_SEEDS:-7 11 23 42}
mutate_count=${MUTATE_COUNT:-1200}
if only pptpd-mutate; then
    if [ -z "${MUTATE_APPEND:-}" ]; then
        rm -rf "$out/findings" "$out"/pptpd-mutate-*.*
        : >"$out/pptpd-mutate.seeds"
    fi
    for seed in $mutate_seeds; do
        rm -f "$out/pptpd-mutate-$seed".*
        grep -qx "$seed" "$out/pptpd-mutate.seeds" 2>/dev/null || echo "$seed" >>"$out/pptpd-mutate.seeds"
        run_other "pptpd-mutate-$seed" 'require-mschap-v2 require-mppe-128' 8 --mutate --seed "$seed" --count "$mutate_count" \
            --findings "$out/findings" --json "$out/pptpd-mutate-$seed.jsonl" --junit "$out/pptpd-mutate-$seed.xml" \
            --pcap "$out/pptpd-mutate-$seed.pcap"
    done
fi
runs="pptpd-mppe128 pptpd-mppe40 pptp-linux"

# what pptp-analyze says of the run's own capture (the same password): the verdicts must agree
for name in $runs; do
    PPTP_PASSWORD=wonderland42 "$analyze" --json "$out/$name.pcap" >"$out/$name.analyze.jsonl" 2>/dev/null || true
done

# ---- docs/interop.md ----
note() { awk -v id="$1" '$1 == id { $1 = ""; sub(/^ /, ""); print; exit }' "$notes"; }
unclassified=0
{
    echo "# Interoperability: pptp-conform against the real pptpd and pptp-linux"
    echo
    echo "Written by \`make interop\` (tools/lab/interop.sh) on $(date -u +%Y-%m-%d); do not edit by hand: the"
    echo "classification of each failure lives in tools/lab/interop-notes."
    echo
    echo "The peer: the lab guest (tools/lab/peer-start, Debian 12 packages) running"
    echo "pptpd 1.4.0 with pppd 2.4.9 and the Linux 6.1 kernel's MPPE, user alice, reached from the host"
    echo "namespace $ns over a tap device (192.0.2.2 -> 192.0.2.1). pptp-conform runs as the PNS. In the pptp-linux run"
    echo "the same guest runs pptp-linux 1.10.0 + pppd 2.4.9 dialing 192.0.2.2 again and again (peer-start --role client)"
    echo "and pptp-conform plays the PAC (\`--listen 192.0.2.2\`, the srv-* scenarios), one scenario per call."
    echo
    echo "| run | pppd options | result | time |"
    echo "|---|---|---|---|"
    for name in $runs; do
        o=$(cat "$out/$name.opts" 2>/dev/null)
        [ -n "$o" ] || case $name in
            pptpd-mppe128) o='require-mschap-v2 require-mppe-128 mppe-stateful' ;;
            pptpd-mppe40) o='require-mschap-v2 require-mppe-40 mppe-stateful' ;;
        esac
        echo "| $name | \`$o\` | $(tail -1 "$out/$name.txt") | $(jq -s 'map(.seconds // 0) | add | floor' "$out/$name.jsonl") s |"
    done
    echo
    echo "What the tunnel carried, measured in the same run (pptp-analyze on the run's own --pcap):"
    echo
    for name in $runs; do
        jq -r -s --arg n "$name" '
            (map(select(.type == "call")) | length) as $calls |
            (map(select(.type == "call") | .decrypted // 0) | add // 0) as $dec |
            (map(select(.type == "call") | .decrypt_failed // 0) | add // 0) as $bad |
            (map(select(.type == "call") | .encryption // "none") | group_by(.) | map("\(.[0]) x\(length)") | join(", ")) as $enc |
            "- \($n): \($calls) calls; encrypted frames decrypted with the password: \($dec), not decrypted: \($bad); encryption negotiated: \($enc)"' \
            "$out/$name.analyze.jsonl"
    done
    echo
    echo "## Every scenario"
    echo
    echo "| scenario | RFC | verdict | notes |"
    echo "|---|---|---|---|"
    for name in $runs; do
        jq -r 'select(.type == "scenario") | [.id, .rfc, .verdict, (.why // "")] | @tsv' "$out/$name.jsonl" |
        while IFS=$'\t' read -r id rfc verdict why; do
            n=$(note "$id")
            case $verdict in
                PASS) echo "| $id | $rfc | PASS | |" ;;
                SKIP) echo "| $id | $rfc | SKIP | ${why//|/\\|} |" ;;
                FAIL)
                    if [ -z "$n" ]; then n="UNCLASSIFIED: ${why//|/\\|}"; fi
                    echo "| $id | $rfc | FAIL | ${n//|/\\|} |" ;;
            esac
        done
    done
    echo
    echo "## The failures, with the evidence"
    echo
    echo "Each FAIL below was read in the run's capture (build/interop/RUN.pcap, \`pptp-analyze --decode\`)"
    echo "and in the guest's pppd/pptpd log. \"pptpd:\" marks a departure of the peer from the RFC section"
    echo "named; \"robustness:\" a behaviour the RFC leaves open where the scenario expects the stricter one."
    echo
    for name in $runs; do
        jq -r 'select(.type == "scenario" and .verdict == "FAIL") | [.id, .rfc, .why] | @tsv' "$out/$name.jsonl" |
        while IFS=$'\t' read -r id rfc why; do
            echo "- **$id** ($rfc): $(note "$id" || true)"
            echo "  - pptp-conform: \`${why}\`"
        done
    done
    echo
    echo "## Load: many tunnels against pptpd"
    echo
    echo "\`pptp-conform --target 192.0.2.1 --load 100 --rate 10 --duration 40 --timeout 30\` (one process, one poll loop;"
    echo "each tunnel with MS-CHAPv2, MPPE-128, IPCP and 3 pings) against pptpd started with \`peer-start --pool 100\`"
    echo "(remoteip 10.0.0.2-101, connections 100; the guest is one TCG CPU with 1 GiB), exit"
    echo "$(cat "$out/pptpd-load.rc" 2>/dev/null):"
    echo
    sed 's/^/    /' "$out/pptpd-load.txt" 2>/dev/null
    if [ -s "$top/build/bench/load.json" ]; then
        echo
        echo "pptpd beside pptp-conform's own server role, both measured in one run of \`make bench-load\`"
        echo "(tools/bench/load.sh; pptpd with \`peer-start --pool $(jq -r '.pptpd.load // "?"' "$top/build/bench/load.json")\`,"
        echo "pptp-conform's server on loopback in a network namespace; docs/performance.md has the whole table):"
        echo
        echo "| server | tunnels asked | rate asked | up | every ping answered | setup rate | setup p50 | p99 |"
        echo "|---|---|---|---|---|---|---|---|"
        jq -r '[["pptp-conform --listen --load", .self], ["pptp-conform, ceiling run", .ceiling], ["pptpd 1.4.0 (lab guest, 1 TCG CPU)", .pptpd]][]
            | select(.[1] != null) | "| \(.[0]) | \(.[1].load) | \(.[1].rate)/s | \(.[1].up) | \(.[1].complete) | \(.[1].setup_rate * 10 | round / 10)/s | \(.[1].latency_ms.p50 | round) ms | \(.[1].latency_ms.p99 | round) ms |"' \
            "$top/build/bench/load.json"
        echo
        echo "Ratio of the set-up rates: $(jq -r '.ratio.setup_rate // "-"' "$top/build/bench/load.json") (pptp-conform's server / pptpd, the same client)."
    fi
    echo
    echo "## Mutation against pptpd"
    echo
    echo "\`pptp-conform --target 192.0.2.1 --mutate --seed N --count $mutate_count\` for each seed, a fresh guest per seed"
    echo "(pptpd with \`peer-start --pool 8\`): messages of every layer (control, GRE, LCP, authentication, CCP, MPPE data)"
    echo "mutated from valid templates by seed and index, in batches of 10 on one connection with 0.1 s between messages;"
    echo "after each batch a liveness probe (a fresh control connection and an Echo; every 10th a whole MS-CHAPv2 +"
    echo "MPPE-128 session with 3 pings), a second try after 2 s before the target is called dead."
    echo
    echo "| seed | sent | control | GRE | LCP | auth | CCP | MPPE | not delivered | batches | probes (sessions; passed on a second try) | pptpd | time |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for seed in $(cat "$out/pptpd-mutate.seeds" 2>/dev/null); do
        jq -r 'select(.type == "mutate") | "| \(.seed) | \(.sent) of \(.count) | \(.per_layer.control) | \(.per_layer.gre) | \(.per_layer.lcp) | \(.per_layer.auth) | \(.per_layer.ccp) | \(.per_layer.mppe) | \(.not_delivered) | \(.batches) | \(.probes) (\(.sessions); \(.second_tries // "not counted")) | \(if .survived then "survived" else "FAILED: \(.finding | split("/") | last)" end) | \(.seconds | floor) s |"' \
            "$out/pptpd-mutate-$seed.jsonl" 2>/dev/null || echo "| $seed | (no result: see build/interop/pptpd-mutate-$seed.txt) |"
    done
    echo
    for seed in $(cat "$out/pptpd-mutate.seeds" 2>/dev/null); do
        echo "Seed $seed, exit $(cat "$out/pptpd-mutate-$seed.rc" 2>/dev/null):"
        echo
        grep -v '^pptp-conform: mutate:' "$out/pptpd-mutate-$seed.txt" 2>/dev/null | tr '\r' '\n' | grep -v '^pptp-conform: mutate: ' | grep . | sed 's/^/    /'
        echo
    done
    for f in "$out"/findings/*.pptp; do
        [ -f "$f" ] || continue
        echo "A finding, $(basename "$f") (\`pptp-conform --replay FILE --target 192.0.2.1\` reproduces it; kept in"
        echo "conformance/findings/ with its reproduction):"
        echo
        sed 's/^/    /' "$f" | cut -c1-200
        echo
    done
    echo
    echo "## Observations outside the scenarios"
    echo
    sed -n 's/^@observation //p' "$notes" | sed 's/^/- /'
} >"$doc.new"
for name in $runs; do
    for id in $(jq -r 'select(.type == "scenario" and .verdict == "FAIL") | .id' "$out/$name.jsonl"); do
        if [ -z "$(note "$id")" ]; then
            echo "interop: $id failed and has no note in tools/lab/interop-notes:" >&2
            grep "^FAIL $id " "$out/$name.txt" >&2
            unclassified=$((unclassified + 1))
        fi
    done
done
mv "$doc.new" "$doc"
echo "interop: wrote $doc in $(( $(date +%s) - t_all )) s; $unclassified unclassified failures"
[ "$unclassified" -eq 0 ]
