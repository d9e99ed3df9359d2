# mk/bench.mk: the benchmark (issue 22, docs/performance.md), included by the top Makefile; never part of make check.
#
#   make build/rel/pptp-gencap   the capture generator (tools/gencap/)
#   make bench                   generate, then time pptp-analyze, tshark, tcpdump and the floors on the same file
#   make bench BENCH_SIZE=64M BENCH_SCALES="1 4 16" BENCH_SEED=1

GENCAP_SRCS := $(sort $(wildcard tools/gencap/*.c))
GENCAP_HDRS := tools/gencap/gencap.h $(LIB_HDRS)
BENCH_DIR   ?= build/bench
BENCH_SIZE  ?= 40M
BENCH_SCALES ?= 1 4 16
BENCH_SEED  ?= 1

$(REL)/tools/gencap/%.o: tools/gencap/%.c $(GENCAP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c $< -o $@
$(SAN)/tools/gencap/%.o: tools/gencap/%.c $(GENCAP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c $< -o $@

$(REL)/pptp-gencap: $(GENCAP_SRCS:%.c=$(REL)/%.o) $(REL)/libpptp.a
	$(CC) $(REL_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)
$(SAN)/pptp-gencap: $(GENCAP_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)

# the runner (wall, CPU and peak RSS of one command, from wait4) and the floors: a bare libpcap loop, and SHA-1 + RC4 over the same packets with the same key changes
$(REL)/bench/rusage: tools/bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $<
$(REL)/bench/pcaploop: tools/bench/pcaploop.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(PCAP_LIBS)
$(REL)/bench/cryptofloor: tools/bench/cryptofloor.c $(REL)/libpptp.a $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL)/libpptp.a $(PCAP_LIBS) $(GCRYPT_LIBS) $(BENCH_SSL_LIBS)

BENCH_SSL_LIBS := $(shell $(PKGCONF) --libs libcrypto 2>/dev/null)
BENCH_SSL_CFLAGS := $(shell $(PKGCONF) --exists libcrypto 2>/dev/null && echo -DBENCH_OPENSSL)
$(REL)/bench/cryptofloor: REL_CFLAGS += $(BENCH_SSL_CFLAGS)

.PHONY: bench gencap
gencap: $(REL)/pptp-gencap
all: $(REL)/pptp-gencap
bench: bin/pptp-analyze $(REL)/pptp-gencap $(REL)/bench/rusage $(REL)/bench/pcaploop $(REL)/bench/cryptofloor
	BENCH_DIR=$(BENCH_DIR) BENCH_SIZE=$(BENCH_SIZE) BENCH_SCALES="$(BENCH_SCALES)" BENCH_SEED=$(BENCH_SEED) \
	  REL=$(REL) sh tools/bench/run.sh

# pptp-analyze with SHA-1 and RC4 from OpenSSL 3 (tools/bench/crypto_openssl.c in place of lib/crypto.c), measured
# beside the real one when libcrypto is installed; a bench build only, never installed
ifneq ($(BENCH_SSL_CFLAGS),)
$(REL)/bench/crypto_openssl.o: tools/bench/crypto_openssl.c lib/crypto.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c $< -o $@
$(REL)/bench/pptp-analyze-openssl: $(ANALYZER_SRCS:%.c=$(REL)/%.o) $(REL)/bench/crypto_openssl.o $(REL)/libpptp.a
	$(CC) $(REL_CFLAGS) -o $@ $^ $(PCAP_LIBS) $(GCRYPT_LIBS) $(BENCH_SSL_LIBS)
bench: $(REL)/bench/pptp-analyze-openssl
endif

# make bench-wordlist (issue 25): pptp-analyze --wordlist against hashcat -m 5500 (CPU) and the MD4 + DES floor
# hashcat on the CPU needs an OpenCL platform: pocl (its ICD) through the ICD loader (Debian 12 names)
DEPS += hashcat pocl-opencl-icd ocl-icd-libopencl1
$(REL)/bench/wordfloor: tools/bench/wordfloor.c $(REL)/libpptp.a $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL)/libpptp.a $(GCRYPT_LIBS)
.PHONY: bench-wordlist
bench-wordlist: bin/pptp-analyze $(REL)/bench/wordfloor build/captures/v-auth-649.pcap
	BENCH_DIR=$(BENCH_DIR) REL=$(REL) sh tools/bench/wordlist.sh

# make bench-load (issue 21): pptp-conform --load against its own server role (loopback, a network namespace) and the
# lab's pptpd (tools/lab/peer-start --pool), side by side with the ratio; build/bench/load.json (tools/bench/load.sh)
.PHONY: bench-load
bench-load: bin/pptp-conform
	BENCH_DIR=$(BENCH_DIR) sh tools/bench/load.sh
bench: bench-load
