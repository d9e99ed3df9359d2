# mk/ladder.mk: the pictures (lib/ladder.c: pptp-analyze --ladder/--svg, pptp-conform --svg-dir), included by the
# top Makefile.  tests/ladder/run.sh checks the SVG with xmllint, renders it in headless Chromium and counts the
# screenshot's colours with ImageMagick; the SVG names DejaVu Sans Mono; mergecap joins two crafted captures.
DEPS += chromium libxml2-utils imagemagick fonts-dejavu-core wireshark-common

.PHONY: ladder-check ladder-regen
ladder-check: $(SAN)/pptp-analyze $(SAN)/pptp-conform $(SAN)/mkcap $(CAP_PCAPS)
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/ladder/run.sh
ladder-regen: $(SAN)/pptp-analyze $(CAP_PCAPS)
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/ladder/regen.sh
