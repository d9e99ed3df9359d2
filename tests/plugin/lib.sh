# tests/plugin/lib.sh: shared by run.sh and regen.sh: tshark with the plugin of the build folder, unprivileged.
# tshark ignores private plugin folders when run as root (../shared/wireshark-notes.md), so as root it runs as
# nobody through setpriv; the plugin and each capture are copied into a private folder that user can read.
: "${PT_TOP:=.}"
PT_TOP=$(cd "$PT_TOP" && pwd)
PLUGIN_SO=$PT_TOP/build/plugin/4.0/epan/pptpsuite.so
LAB_USER=alice
LAB_PASSWORD=wonderland42
# MD4 of the UTF-16LE lab password (RFC 2759 8.3 NtPasswordHash), as vectors/lab-mschapv2-mppe128.txt records it
LAB_NT_HASH=$(sed -n 's/^password_hash = //p' "$PT_TOP/vectors/lab-mschapv2-mppe128.txt" | tr -d ' ' | tr A-F a-f)
CRED_RIGHT="uat:pptpsuite_credentials:\"$LAB_USER\",\"$LAB_PASSWORD\",\"\""
CRED_WRONG="uat:pptpsuite_credentials:\"$LAB_USER\",\"not-the-password\",\"\""
CRED_HASH="uat:pptpsuite_credentials:\"\",\"\",\"$LAB_NT_HASH\""

ts_setup() { # ts_setup: make the private folder; sets TS_DIR
	TS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pt-plugin.XXXXXX") || return 1
	mkdir -p "$TS_DIR/home" "$TS_DIR/plugins/4.0/epan" || return 1
	cp "$PLUGIN_SO" "$TS_DIR/plugins/4.0/epan/pptpsuite.so" || return 1
	chmod -R a+rX "$TS_DIR"
	if [ "$(id -u)" -eq 0 ] || [ "$(id -g)" -eq 0 ]; then
		chown -R 65534:65534 "$TS_DIR/home"
		TS_AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		TS_AS=
	fi
	chmod 755 "$TS_DIR"
}

ts_cleanup() {
	[ -n "$TS_DIR" ] && rm -rf "$TS_DIR"
}

# ts CAPTURE [tshark options...]: tshark -r on a copy of CAPTURE, the plugin loaded from the private folder
ts() {
	_cap=$1
	shift
	cp "$_cap" "$TS_DIR/cap.pcap" && chmod 644 "$TS_DIR/cap.pcap" || return 1
	# shellcheck disable=SC2086
	$TS_AS env -i PATH=/usr/bin:/bin HOME="$TS_DIR/home" WIRESHARK_PLUGIN_DIR="$TS_DIR/plugins" TZ=UTC LC_ALL=C \
		tshark -n -r "$TS_DIR/cap.pcap" "$@"
}

# ts_raw [tshark options...]: tshark without a capture (-G ...)
ts_raw() {
	# shellcheck disable=SC2086
	$TS_AS env -i PATH=/usr/bin:/bin HOME="$TS_DIR/home" WIRESHARK_PLUGIN_DIR="$TS_DIR/plugins" LC_ALL=C tshark "$@"
}

# decrypted CAPTURE [options]: one line per decrypted frame: number, PPP protocols (outer 0x00fd, inner), the IP
# headers (outer, inner) and the inner transport; no column text, which differs between one pass and two
decrypted() {
	_cap=$1
	shift
	ts "$_cap" -o "$CRED_RIGHT" "$@" -Y 'pptpsuite.decrypted == 1' -T fields -E separator='	' \
		-e frame.number -e ppp.protocol -e ip.src -e ip.dst -e ip.len -e ip.id -e ipv6.src -e ipv6.dst -e ipv6.plen \
		-e icmp.type -e icmpv6.type -e tcp.srcport -e tcp.dstport -e tcp.len -e udp.srcport -e udp.dstport
}

# real_captures: the real-peer captures (not the inner oracles)
real_captures() {
	for _c in "$PT_TOP"/captures/real/*.pcap; do
		case $_c in *.inner*.pcap) continue ;; esac
		[ -f "$_c" ] && echo "$_c"
	done
}
