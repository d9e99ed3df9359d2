# mk/conform.mk: pptp-conform, the scripted conformance peer (conformance/, docs/scenarios.md), included by the top Makefile.
#
#   make bin/pptp-conform       the optimised program
#   make interop                the scenario library against the lab's real pptpd (tools/lab/peer-start; root)

CONFORM_SRCS   := $(sort $(wildcard conformance/*.c))
MKCAP_LIB_SRCS := $(filter-out tools/mkcap/main.c,$(MKCAP_SRCS))
CONFORM_HDRS   := conformance/conform.h tools/mkcap/mkcap.h $(LIB_HDRS)

# conformance/ shares mkcap's reader and builders (one vocabulary for crafting and driving)
$(REL)/conformance/%.o: conformance/%.c $(CONFORM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -Itools/mkcap -c $< -o $@
$(SAN)/conformance/%.o: conformance/%.c $(CONFORM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itools/mkcap -c $< -o $@

bin/pptp-conform: $(CONFORM_SRCS:%.c=$(REL)/%.o) $(MKCAP_LIB_SRCS:%.c=$(REL)/%.o) $(REL)/libpptp.a
	@mkdir -p bin
	$(CC) $(REL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GCRYPT_LIBS)
$(SAN)/pptp-conform: $(CONFORM_SRCS:%.c=$(SAN)/%.o) $(MKCAP_LIB_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)

all: bin/pptp-conform
check-run: $(SAN)/pptp-conform bin/pptp-conform

.PHONY: interop
interop: bin/pptp-conform bin/pptp-analyze
	bash tools/lab/interop.sh

# CUnit tests of the reader and the endpoint's templates (tests/conform/test_conform.c); run by tests/run.sh
CONFORM_LIB_OBJS := $(filter-out $(SAN)/conformance/main.o,$(CONFORM_SRCS:%.c=$(SAN)/%.o))
$(SAN)/tests/conform/test_conform.o: tests/conform/test_conform.c $(CONFORM_HDRS) tests/unit/ut.h
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Iconformance -Itools/mkcap -Itests/unit -c $< -o $@
$(SAN)/tests/test_conform: $(SAN)/tests/conform/test_conform.o $(SAN)/tests/unit/ut_main.o $(CONFORM_LIB_OBJS) \
		$(MKCAP_LIB_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(CUNIT_LIBS) $(GCRYPT_LIBS)
check-run: $(SAN)/tests/test_conform
DEPS += openssl   # tests/secrets: the NT hash of the lab password (openssl dgst -md4, legacy provider)
DEPS += valgrind  # tests/valgrind: the analyzer on every capture under memcheck
DEPS += libxml2-utils  # tests/conform/runs.sh: xmllint reads the JUnit of load and mutation runs

# tests/robust: a capture built to exhaust the analyzer (issue 23 part 5)
$(REL)/robust/floodcap: tests/robust/floodcap.c $(REL)/libpptp.a $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL)/libpptp.a $(GCRYPT_LIBS)
check-run: $(REL)/robust/floodcap $(REL)/bench/rusage
