#!/bin/sh
# tests/plugin/regen.sh: rewrite tests/plugin/expected/*.decrypted (the decrypted packets of each real capture with
# MPPE, as tshark shows them with the plugin and the lab password); review the result with git diff.
: "${PT_TOP:=.}"
. "$PT_TOP/tests/plugin/lib.sh"
cd "$PT_TOP" || exit 1
[ -f "$PLUGIN_SO" ] || { echo "regen: $PLUGIN_SO not built (make plugin)" >&2; exit 1; }
ts_setup || exit 1
trap 'ts_cleanup' EXIT
mkdir -p tests/plugin/expected
for cap in $(real_captures); do
	name=$(basename "$cap" .pcap)
	decrypted "$cap" >"tests/plugin/expected/$name.decrypted.new" 2>/dev/null
	if [ -s "tests/plugin/expected/$name.decrypted.new" ]; then
		mv "tests/plugin/expected/$name.decrypted.new" "tests/plugin/expected/$name.decrypted"
		echo "$name: $(wc -l <"tests/plugin/expected/$name.decrypted") decrypted packets"
	else
		rm -f "tests/plugin/expected/$name.decrypted.new" "tests/plugin/expected/$name.decrypted"
	fi
done
