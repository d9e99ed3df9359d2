#!/bin/sh
# lab-extract.sh: the known-answer values of one lab session, taken from its capture (captures/real/NAME.pcap),
# written as a vectors/ file (vectors/README.md) on standard output.
#   sh vectors/lab-extract.sh NAME            print vectors/lab-NAME.txt as it should read
#   sh vectors/lab-extract.sh --check NAME... compare with the committed files; "N passed, N failed"
# What comes from where:
#   - the MS-CHAPv2 Challenge, Response and Success (frames, identifier, names, values, S=) and the first MPPE
#     frame each side sent: stock tshark's dissectors (no project code), -T fields and -T json -x;
#   - the user and password: the capture's block in captures/real/MANIFEST (lab test credentials);
#   - the NT hash, the MPPE keys and the S= recomputed: openssl (MD4, SHA-1, RC4: a second implementation,
#     not libgcrypt), following RFC 2759 8 and RFC 3079 3.4 step by step in this script;
#   - then three cross-checks, each fatal: the S= recomputed equals the S= in the capture (so the password
#     and the NT-Response are the ones the peers used), the start keys equal `pptp-analyze --show-keys`
#     (the project's own derivation), and the first frame each way decrypts under the first-packet key to a
#     packet that is, octet for octet, in the inner capture the lab recorded beside the wire (the oracle), or,
#     where that capture lacks it, one whose IP length is the decrypted length (and IPv4 checksum right).
# Needs tshark, jq, openssl (legacy provider for MD4 and RC4), od, awk; $SAN/pptp-analyze built (ANALYZE= another).
: "${PT_TOP:=.}"
cd "$PT_TOP" || exit 2
A=${ANALYZE:-${SAN:-build/san}/pptp-analyze}
export LC_ALL=C TZ=UTC
OSSL="-provider legacy -provider default"
MAXCT=64 # ciphertext octets kept per first frame (RC4 is a stream: a prefix decrypts on its own)

die() {
	echo "lab-extract: $*" >&2
	exit 1
}

# hex <-> octets, through octal escapes (POSIX printf has no \x)
oct() { printf '%s' "$1" | awk '{ h = "0123456789abcdef"; s = tolower($0); o = ""
	for (i = 1; i < length(s); i += 2) o = o sprintf("\\%03o", (index(h, substr(s, i, 1)) - 1) * 16 + index(h, substr(s, i + 1, 1)) - 1)
	printf "%s", o }'; }
bin() { printf "$(oct "$1")"; }
tohex() { od -An -v -tx1 | tr -d ' \n'; }
strhex() { printf '%s' "$1" | tohex; }
sha1() { bin "$1" | openssl dgst -sha1 -binary | tohex; }
md4() { bin "$1" | openssl dgst -md4 -binary $OSSL | tohex; }
# RC4 under a key of 8 or 16 octets: openssl's rc4 takes 16, and an 8-octet key K schedules exactly as K||K
# (the key schedule reads key[i mod length] for i < 256, and 8 divides 16)
rc4() {
	_k=$1
	[ ${#_k} -eq 16 ] && _k=$_k$_k
	bin "$2" | openssl enc -rc4 -K "$_k" $OSSL | tohex
}
first() { printf '%s' "$1" | cut -c1-$(($2 * 2)); }
upper() { printf '%s' "$1" | tr a-f A-F; }
spaced() { printf '%s' "$1" | sed 's/../& /g; s/ $//' | tr a-f A-F; }

PAD1=$(printf '%080d' 0)
PAD2=$(printf 'f2%.0s' $(seq 40))
# RFC 3079 3.4 Magic1-3, RFC 2759 8.7 Magic1-2
K_MAGIC1=$(strhex "This is the MPPE Master Key")
K_MAGIC2=$(strhex "On the client side, this is the send key; on the server side, it is the receive key.")
K_MAGIC3=$(strhex "On the client side, this is the receive key; on the server side, it is the send key.")
A_MAGIC1=$(strhex "Magic server to client signing constant")
A_MAGIC2=$(strhex "Pad to make it do more than one iteration")

# RFC 3078 7.3: 40-bit keys begin D1 26 9E, 56-bit keys D1
reduce() {
	case $2 in
	40) printf 'd1269e%s' "$(printf '%s' "$1" | cut -c7-)" ;;
	56) printf 'd1%s' "$(printf '%s' "$1" | cut -c3-)" ;;
	*) printf '%s' "$1" ;;
	esac
}

# ipcheck PPP-PROTOCOL IP-PACKET (hex): is the decrypted packet well formed to the octet? Prints how it was checked.
ipcheck() {
	printf '%s %s' "$1" "$2" | awk 'function h(s, i) { return index("0123456789abcdef", substr(s, i, 1)) - 1 }
	function oc(s, i) { return h(s, 2 * i + 1) * 16 + h(s, 2 * i + 2) }
	{ p = $1; b = tolower($2); n = length(b) / 2; v = int(oc(b, 0) / 16) }
	(p == "21" || p == "0021") && v == 4 {
		hl = (oc(b, 0) % 16) * 4; tl = oc(b, 2) * 256 + oc(b, 3); s = 0
		for (i = 0; i < hl; i += 2) s += oc(b, i) * 256 + oc(b, i + 1)
		while (s > 65535) s = int(s / 65536) + s % 65536
		if (tl == n && s == 65535) { printf "IPv4, Total Length %d = the decrypted length, header checksum right", tl; exit 0 }
		printf "IPv4, Total Length %d of %d decrypted octets, checksum sum 0x%x", tl, n, s; exit 1 }
	(p == "57" || p == "0057") && v == 6 {
		pl = oc(b, 4) * 256 + oc(b, 5)
		if (pl + 40 == n) { printf "IPv6, Payload Length %d + 40 = the decrypted length, next header %d", pl, oc(b, 6); exit 0 }
		printf "IPv6, Payload Length %d + 40 of %d decrypted octets", pl, n; exit 1 }
	{ printf "PPP protocol %s, IP version %d", p, v; exit 1 }'
}

extract() {
	name=$1
	cap=captures/real/$name.pcap
	[ -f "$cap" ] || die "$cap: no such capture"
	blk=$(awk -v n="name=$name" '$0 == n { on = 1 } on && /^$/ { exit } on' captures/real/MANIFEST)
	[ -n "$blk" ] || die "$name: no block in captures/real/MANIFEST"
	user=$(printf '%s\n' "$blk" | sed -n 's/^user=//p')
	pw=$(printf '%s\n' "$blk" | sed -n 's/^password=//p')
	sum=$(printf '%s\n' "$blk" | sed -n 's/^pcap_sha256=//p')
	inner=captures/real/$(printf '%s\n' "$blk" | sed -n 's/^inner=//p')
	[ "$(sha256sum "$cap" | cut -d' ' -f1)" = "$sum" ] || die "$cap: sha256 differs from the MANIFEST"
	[ -f "$inner" ] || die "$name: no inner capture"

	# the PAC is the side of TCP port 1723
	pac=$(tshark -n -r "$cap" -Y 'tcp.srcport == 1723' -T fields -e ip.src 2>/dev/null | head -1)
	pns=$(tshark -n -r "$cap" -Y 'tcp.dstport == 1723' -T fields -e ip.src 2>/dev/null | head -1)
	[ -n "$pac" ] && [ -n "$pns" ] || die "$cap: no control connection"
	tshark -n -r "$cap" -Y 'chap' -T fields -E separator='|' -e frame.number -e ip.src -e chap.code -e chap.identifier \
		-e chap.value -e chap.name -e chap.message 2>/dev/null >"$tmp/chap"
	IFS='|' read -r f_ch src_ch code id achal aname _ <<EOF
$(awk -F'|' '$3 == 1' "$tmp/chap" | head -1)
EOF
	IFS='|' read -r f_rs src_rs code id2 rval rname _ <<EOF
$(awk -F'|' '$3 == 2' "$tmp/chap" | head -1)
EOF
	IFS='|' read -r f_su src_su code id3 _ _ smsg <<EOF
$(awk -F'|' '$3 == 3' "$tmp/chap" | head -1)
EOF
	[ -n "$f_ch" ] && [ -n "$f_rs" ] && [ -n "$f_su" ] || die "$cap: no MS-CHAPv2 Challenge, Response and Success"
	[ "$id" = "$id2" ] && [ "$id" = "$id3" ] || die "$cap: CHAP identifiers differ"
	[ ${#achal} -eq 32 ] && [ ${#rval} -eq 98 ] || die "$cap: not MS-CHAPv2 sizes (16-octet Challenge, 49-octet Response)"
	[ "$rname" = "$user" ] || die "$cap: the Response names $rname, the MANIFEST $user"
	pchal=$(printf '%s' "$rval" | cut -c1-32)
	resv=$(printf '%s' "$rval" | cut -c33-48)
	ntresp=$(printf '%s' "$rval" | cut -c49-96)
	flags=$(printf '%s' "$rval" | cut -c97-98)
	sgot=$(printf '%s' "$smsg" | sed -n 's/^\(S=[0-9A-Fa-f]\{40\}\).*/\1/p')
	[ -n "$sgot" ] || die "$cap: the Success carries no S="

	# RFC 2759 8.3 NtPasswordHash (MD4 over UTF-16LE; the lab passwords are ASCII), 8.4 HashNtPasswordHash
	pwu=$(strhex "$pw" | sed 's/../&00/g')
	pwh=$(md4 "$pwu")
	pwhh=$(md4 "$pwh")
	# RFC 2759 8.2 ChallengeHash, 8.7 GenerateAuthenticatorResponse
	chash=$(first "$(sha1 "$pchal$achal$(strhex "$user")")" 8)
	d1=$(sha1 "$pwhh$ntresp$A_MAGIC1")
	scalc=S=$(upper "$(sha1 "$d1$chash$A_MAGIC2")")
	[ "$scalc" = "$(upper "$sgot")" ] || die "$cap: S= recomputed ($scalc) differs from the capture's ($sgot)"

	# the negotiated MPPE mode, as the analyzer reads the CCP exchange
	enc=$(PPTP_PASSWORD=$pw "$A" --json --fail-on none "$cap" 2>/dev/null | jq -r 'select(.type == "call") | .encryption' | head -1)
	bits=$(printf '%s' "$enc" | sed -n 's/^MPPE-\([0-9]*\) .*/\1/p')
	mode=$(printf '%s' "$enc" | sed -n 's/^MPPE-[0-9]* \([a-z]*\).*/\1/p')
	case $bits in 40 | 56) kl=8 ;; 128) kl=16 ;; *) die "$cap: encryption \"$enc\" is not MPPE-40/56/128" ;; esac
	# RFC 3079 3.4 GetMasterKey, GetAsymmetricStartKey: the client (PNS) sends with Magic2, the server with Magic3
	mk=$(first "$(sha1 "$pwhh$ntresp$K_MAGIC1")" 16)
	sk_pns=$(first "$(sha1 "$mk$PAD1$K_MAGIC2$PAD2")" $kl)
	sk_pac=$(first "$(sha1 "$mk$PAD1$K_MAGIC3$PAD2")" $kl)
	PPTP_PASSWORD=$pw "$A" --show-keys --verdict --fail-on none "$cap" 2>"$tmp/keys" >/dev/null
	a_pns=$(sed -n 's/.*MPPE start key PNS>PAC: //p' "$tmp/keys" | head -1)
	a_pac=$(sed -n 's/.*MPPE start key PAC>PNS: //p' "$tmp/keys" | head -1)
	[ "$a_pns" = "$sk_pns" ] && [ "$a_pac" = "$sk_pac" ] ||
		die "$cap: start keys differ from pptp-analyze --show-keys ($a_pns $a_pac)"

	cat <<EOF
# Lab session $name: captures/real/$name.pcap (sha256 $sum), the MANIFEST
# block "$name" ($(printf '%s\n' "$blk" | sed -n "s/^title='\(.*\)'/\1/p")).
# Written by vectors/lab-extract.sh $name, checked by vectors/lab-extract.sh --check
# in make check (tests/unit/vectors.sh).  Derivation: the CHAP and MPPE octets are the capture's,
# as stock tshark dissects them (frame numbers below); the user and password are the
# MANIFEST's lab test credentials; the hashes and keys are recomputed with openssl
# (MD4, SHA-1, RC4) per RFC 2759 8 and RFC 3079 3.4, and cross-checked three ways: the
# S= recomputed equals the capture's, the start keys equal pptp-analyze --show-keys,
# and each first frame decrypts to a packet found octet for octet in the inner capture
# ($inner, the clear PPP payloads), or where that capture lacks it
# (inner_frame 0) to one well formed to the octet (its IP length is the decrypted length).

user_name = "$user"
password = "$pw"
# PNS and PAC: the TCP client of port 1723 and its server
pns_address = "$pns"
pac_address = "$pac"

# RFC 2759 8.3 NtPasswordHash: openssl dgst -md4 over the UTF-16LE password
password_hash = $(spaced "$pwh")
# RFC 2759 8.4 HashNtPasswordHash
password_hash_hash = $(spaced "$pwhh")

# frame $f_ch: CHAP Challenge from $src_ch (the authenticator), name "$aname"
challenge_frame = "$f_ch"
chap_identifier = $(printf '%02X' "$id")
authenticator_name = "$aname"
authenticator_challenge = $(spaced "$achal")
# frame $f_rs: CHAP Response from $src_rs: Peer-Challenge, 8 reserved octets, NT-Response, Flags (RFC 2759 4)
response_frame = "$f_rs"
peer_challenge = $(spaced "$pchal")
reserved = $(spaced "$resv")
nt_response = $(spaced "$ntresp")
response_flags = $(spaced "$flags")
# RFC 2759 8.2 ChallengeHash (SHA-1 of Peer-Challenge, Authenticator-Challenge, user name)
challenge_hash = $(spaced "$chash")
# frame $f_su: CHAP Success from $src_su; equal to RFC 2759 8.7 GenerateAuthenticatorResponse recomputed
success_frame = "$f_su"
authenticator_response = "$sgot"

# CCP: $enc (pptp-analyze --json's reading of the capture's CCP exchange)
mppe_bits = "$bits"
mppe_mode = "$mode"
# RFC 3079 3.4 GetMasterKey
master_key = $(spaced "$mk")
# RFC 3079 3.4 GetAsymmetricStartKey ($kl octets): PNS>PAC is the client's send key (Magic2),
# PAC>PNS the server's send key (Magic3); both equal pptp-analyze --show-keys
start_key_pns_to_pac = $(spaced "$sk_pns")
start_key_pac_to_pns = $(spaced "$sk_pac")
EOF
	for dir in pns_to_pac pac_to_pns; do
		if [ $dir = pns_to_pac ]; then src=$pns sk=$sk_pns; else src=$pac sk=$sk_pac; fi
		# RFC 3079 3.1-3.3: the initial session key is GetNewKeyFromSHA(start, start), reduced
		isk=$(reduce "$(first "$(sha1 "$sk$PAD1$sk$PAD2")" $kl)" "$bits")
		fr=$(tshark -n -r "$cap" -Y "ppp.protocol == 0x00fd && ip.src == $src" -T fields -e frame.number 2>/dev/null | head -1)
		[ -n "$fr" ] || die "$cap: no MPPE frame from $src"
		raw=$(tshark -n -r "$cap" -Y "frame.number == $fr" -T json -x 2>/dev/null | jq -r '.[0]._source.layers.comp_data_raw[0]')
		hdr=$(first "$raw" 2)
		ct=$(printf '%s' "$raw" | cut -c5-$((4 + MAXCT * 2)))
		cc=$(( (0x$hdr & 0x0fff) ))
		[ "$cc" -eq 0 ] || die "$cap frame $fr: coherency count $cc, not the first packet"
		if [ "$mode" = stateless ]; then
			# RFC 3078 7.1, 7.3: a stateless sender changes the key before every packet, the first one too:
			# interim = GetNewKeyFromSHA(start, initial), key = RC4(interim, interim), reduced
			interim=$(first "$(sha1 "$sk$PAD1$isk$PAD2")" $kl)
			pk=$(reduce "$(rc4 "$interim" "$interim")" "$bits")
			how="stateless: the key after one change (RFC 3078 7.1, 7.3), under which count 0 is sent"
		else
			pk=$isk
			how="stateful: the initial session key itself (RFC 3078 5; 7.2 changes it only at count 0xFF)"
		fi
		all=$(rc4 "$pk" "$(printf '%s' "$raw" | cut -c5-)")
		pt=$(first "$all" $((${#ct} / 2)))
		b0=$(first "$all" 1)
		if [ $(( 0x$b0 & 1 )) -eq 1 ]; then pl=1; else pl=2; fi
		proto=$(first "$all" $pl)
		body=$(printf '%s' "$all" | cut -c$((pl * 2 + 1))-)
		# the oracle: the inner frame holding this IP packet (after LINUX_SLL's 16 octets); the lab's inner
		# captures filter some packets out, so failing that, the packet must be well formed to the octet:
		# its IP length is the decrypted length, and an IPv4 header checksum is right
		ifr=$(tshark -n -r "$inner" -T json -x 2>/dev/null | jq -r '.[] | ._source.layers | "\(.frame["frame.number"]) \(.frame_raw[0])"' |
			awk -v b="$body" 'substr($2, 33) == b { print $1; exit }')
		if [ -n "$ifr" ]; then
			oracle="the whole IP packet is inner frame $ifr of the oracle"
		else
			oracle=$(ipcheck "$proto" "$body") || die "$cap frame $fr: decrypts to no packet of $inner, nor to a well-formed one ($oracle)"
			ifr=0
		fi
		cat <<EOF

# $dir: the first MPPE frame from $src, frame $fr (MPPE header $(upper "$hdr"), count 0)
initial_session_key_$dir = $(spaced "$isk")
# the key frame $fr is encrypted under; $how
first_packet_key_$dir = $(spaced "$pk")
first_frame_$dir = "$fr"
first_header_$dir = $(spaced "$hdr")
# its first $((${#ct} / 2)) octets of ciphertext, after the MPPE header
first_ciphertext_$dir = $(spaced "$ct")
# RC4 of them under first_packet_key: PPP protocol $(upper "$proto"), then the start of the IP packet;
# the whole frame decrypted ($((${#body} / 2)) octets of IP): $oracle
first_plaintext_$dir = $(spaced "$pt")
inner_frame_$dir = "$ifr"
EOF
	done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$1" = --check ]; then
	shift
	pass=0 fail=0
	for n in "$@"; do
		if (extract "$n") >"$tmp/$n.txt" 2>"$tmp/$n.err" && cmp -s "$tmp/$n.txt" "vectors/lab-$n.txt"; then
			pass=$((pass + 1))
		else
			echo "FAIL vectors/lab-$n.txt: not what its capture gives: $(cat "$tmp/$n.err")"
			diff "vectors/lab-$n.txt" "$tmp/$n.txt" | head -10 | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	done
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi
[ $# -eq 1 ] || die "usage: lab-extract.sh NAME | --check NAME..."
extract "$1"
