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
	$(CC) $(REL_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)
$(SAN)/pptp-conform: $(CONFORM_SRCS:%.c=$(SAN)/%.o) $(MKCAP_LIB_SRCS:%.c=$(SAN)/%.o) $(SAN)/libpptp.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(GCRYPT_LIBS)

all: bin/pptp-conform
check-run: $(SAN)/pptp-conform bin/pptp-conform

.PHONY: interop
interop: bin/pptp-conform bin/pptp-analyze
	bash tools/lab/interop.sh
