# pptp-suite: GNU make, no autotools.  `make` builds bin/; `make check` runs every test
# (unit tests, golden captures, real-peer captures) under ASan/UBSan.

CC      ?= cc
PKGCONF ?= pkg-config
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wformat=2 -Wno-format-nonliteral -Wvla -Wimplicit-fallthrough
STD     := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
INC     := -Ilib
REL_CFLAGS := $(STD) $(WARN) -O2 -g $(INC) $(CPPFLAGS) $(CFLAGS)
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_CFLAGS := $(STD) $(WARN) -O1 -g $(SAN_FLAGS) $(INC) $(CFLAGS)

GCRYPT_LIBS := -lgcrypt
PCAP_LIBS   := -lpcap
CUNIT_LIBS  := -lcunit

LIB_SRCS      := $(sort $(wildcard lib/*.c))
LIB_HDRS      := $(wildcard lib/*.h lib/*.def)
ANALYZER_SRCS := $(sort $(wildcard analyzer/*.c))
MKCAP_SRCS    := $(sort $(wildcard tools/mkcap/*.c))
UNIT_SRCS     := $(sort $(wildcard tests/unit/test_*.c))
CAP_SRCS      := $(sort $(wildcard captures/crafted/*.txt))

REL := build/rel
SAN := build/san

REL_LIB_OBJS := $(LIB_SRCS:%.c=$(REL)/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(SAN)/%.o)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(SAN)/tests/%)
CAP_PCAPS    := $(CAP_SRCS:captures/crafted/%.txt=build/captures/%.pcap)

.SECONDARY:
.PHONY: all deps check check-run unit golden golden-regen captures demo clean rules-doc list-rules
all: bin/pptp-analyze $(REL)/mkcap

$(REL)/%.o: %.c $(LIB_HDRS) $(wildcard tools/mkcap/*.h analyzer/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c $< -o $@
$(SAN)/%.o: %.c $(LIB_HDRS) $(wildcard tools/mkcap/*.h analyzer/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c $< -o $@

$(REL)/libpptp.a: $(REL_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(SAN)/libpptp.a: $(SAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

bin/pptp-analyze: $(ANALYZER_SRCS:%.c=$(REL)/%.o) $(REL)/libpptp.a
	@mkdir -p bin
	$(CC) $(REL_CFLAGS) $(LDFLAGS) -pthread -o $@ $^ $(PCAP_LIBS) $(GCRYPT_LIBS)
$(SAN)/pptp-analyze: $(ANALYZER_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	$(CC) $(SAN_CFLAGS) -pthread -o $@ $^ $(PCAP_LIBS) $(GCRYPT_LIBS)

$(REL)/mkcap: $(MKCAP_SRCS:%.c=$(REL)/%.o) $(REL)/libpptp.a
	$(CC) $(REL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GCRYPT_LIBS)
$(SAN)/mkcap: $(MKCAP_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)

$(SAN)/tests/%: $(SAN)/tests/unit/%.o $(SAN)/tests/unit/ut_main.o $(SAN)/libpptp.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(CUNIT_LIBS) $(GCRYPT_LIBS)

# Crafted captures are build output, made from their readable sources.
build/captures/%.pcap: captures/crafted/%.txt $(SAN)/mkcap
	@mkdir -p $(dir $@)
	$(SAN)/mkcap -o $@ $<
captures: $(CAP_PCAPS)

unit: $(UNIT_BINS)
# `make check` installs what is missing first, then builds and runs everything.
check: deps
	$(MAKE) check-run
check-run: $(UNIT_BINS) $(SAN)/pptp-analyze $(CAP_PCAPS) bin/pptp-analyze
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/run.sh

golden-regen: $(SAN)/pptp-analyze $(CAP_PCAPS)
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/golden/regen.sh

list-rules: bin/pptp-analyze
	bin/pptp-analyze --list-rules

rules-doc: bin/pptp-analyze
	bin/pptp-analyze --list-rules=markdown > docs/rules.md

DEPS := build-essential pkg-config libpcap-dev libgcrypt20-dev libcunit1-dev tcpdump jq
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all installed"; fi

# The main job on a bundled real capture (the lab's test password, given the way a script would).
demo: deps
	$(MAKE) all
	PPTP_PASSWORD=wonderland42 bin/pptp-analyze --fail-on none captures/real/mschapv2-mppe128.pcap
	@echo; echo "Verdicts of three failed real sessions:"; for f in wrong-password gre-blocked echo-timeout; do printf "%s: " $$f; bin/pptp-analyze --verdict captures/real/$$f.pcap; done; true

clean:
	rm -rf build bin/pptp-analyze bin/pptp-conform

-include mk/*.mk
