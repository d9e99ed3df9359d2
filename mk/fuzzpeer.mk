# mk/fuzzpeer.mk: the fuzz harnesses of pptp-conform (tests/fuzz/fuzz_scenario.c: the scenario reader;
# tests/fuzz/fuzz_peer.c: the endpoint on what a target sends), built the way mk/fuzz.mk builds the others
# (libFuzzer in build/fuzz/bin/, gcc replay drivers in build/fuzz/replay/); tests/fuzz/run.sh runs them.

FZ_CONFORM_SRCS := $(filter-out conformance/main.c,$(CONFORM_SRCS)) $(MKCAP_LIB_SRCS)
FZ_LF_CONFORM_OBJS := $(FZ_CONFORM_SRCS:%.c=$(FZ)/lf/%.o)
FZ_SAN_CONFORM_OBJS := $(FZ_CONFORM_SRCS:%.c=$(SAN)/%.o)
FZ_CONFORM_INC := -Iconformance -Itools/mkcap -Itests/fuzz

$(FZ)/lf/conformance/%.o: conformance/%.c $(CONFORM_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FZ_CONFORM_INC) -c $< -o $@
$(FZ)/lf/tools/mkcap/%.o: tools/mkcap/%.c $(CONFORM_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FZ_CONFORM_INC) -c $< -o $@

FZ_WRAP_scenario := -Wl,--wrap=mk_exit
define FZ_CONFORM_HARNESS
$(FZ)/bin/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FZ_HDRS) $(CONFORM_HDRS) $(FZ_LF_CONFORM_OBJS) $(FZ)/lf/libpptp.a
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FZ_CONFORM_INC) -o $$@ tests/fuzz/fuzz_$(1).c \
		$(FZ_LF_CONFORM_OBJS) $(FZ)/lf/libpptp.a $(FZ_WRAP_$(1)) $(GCRYPT_LIBS)
$(FZ)/replay/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/standalone.c $(FZ_HDRS) $(CONFORM_HDRS) $(FZ_SAN_CONFORM_OBJS) $(SAN)/libpptp.a
	@mkdir -p $$(dir $$@)
	$(CC) $(SAN_CFLAGS) $(FZ_CONFORM_INC) -o $$@ tests/fuzz/fuzz_$(1).c tests/fuzz/standalone.c \
		$(FZ_SAN_CONFORM_OBJS) $(SAN)/libpptp.a $(FZ_WRAP_$(1)) $(GCRYPT_LIBS)
endef
$(foreach n,scenario peer,$(eval $(call FZ_CONFORM_HARNESS,$(n))))

fuzz-build: $(FZ)/bin/fuzz_scenario $(FZ)/bin/fuzz_peer $(FZ)/replay/fuzz_scenario $(FZ)/replay/fuzz_peer
check-run: $(FZ)/bin/fuzz_scenario $(FZ)/bin/fuzz_peer $(FZ)/replay/fuzz_scenario $(FZ)/replay/fuzz_peer

# `make fuzz` runs these two as well (FUZZ_SECONDS each)
.PHONY: fuzz-conform
fuzz: fuzz-conform
fuzz-conform: $(FZ)/bin/fuzz_scenario $(FZ)/bin/fuzz_peer
	@for n in scenario peer; do \
		mkdir -p $(FZ)/corpus/$$n $(FZ)/artifacts/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$(FUZZ_NICE) $(FZ)/bin/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 -print_final_stats=1 \
			-artifact_prefix=$(FZ)/artifacts/$$n/ $(FZ)/corpus/$$n tests/fuzz/corpus/$$n \
			>$(FZ)/artifacts/$$n/log 2>&1 || { tail -40 $(FZ)/artifacts/$$n/log; exit 1; }; \
		grep -E '^stat::|^Done' $(FZ)/artifacts/$$n/log | tr '\n' ' '; echo; \
	done
