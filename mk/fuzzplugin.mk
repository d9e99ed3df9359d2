# mk/fuzzplugin.mk: the fuzz harness of the Wireshark plugin (tests/fuzz/fuzz_plugin.c): dissector/*.c and lib/
# compiled into one program with libwireshark's epan (Debian's wireshark-dev; libwireshark itself is not
# instrumented), built as mk/fuzz.mk builds the others (libFuzzer in build/fuzz/bin/, the gcc replay driver in
# build/fuzz/replay/); its seeds come from tests/fuzz/plugin_seeds.c.  tests/fuzz/run.sh runs it.

FZP_HAVE   := $(shell $(PKGCONF) --exists wireshark 2>/dev/null && echo yes)
FZP_SRCS   := $(sort $(wildcard dissector/*.c))
FZP_HDRS   := $(wildcard dissector/*.h) $(LIB_HDRS)
FZP_WS_CFLAGS = $(patsubst -I%,-isystem %,$(shell $(PKGCONF) --cflags wireshark))
FZP_WS_LIBS   = $(shell $(PKGCONF) --libs wireshark) -lwiretap
FZP_LF_OBJS  := $(FZP_SRCS:%.c=$(FZ)/lf/%.o)
FZP_SAN_OBJS := $(FZP_SRCS:%.c=$(FZ)/san/%.o)

$(FZ)/lf/dissector/%.o: dissector/%.c $(FZP_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FZP_WS_CFLAGS) -c $< -o $@
$(FZ)/san/dissector/%.o: dissector/%.c $(FZP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(FZP_WS_CFLAGS) -c $< -o $@

$(FZ)/bin/fuzz_plugin: tests/fuzz/fuzz_plugin.c $(FZ_HDRS) $(FZP_LF_OBJS) $(FZ)/lf/libpptp.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FZP_WS_CFLAGS) -Itests/fuzz -Idissector -o $@ tests/fuzz/fuzz_plugin.c \
		$(FZP_LF_OBJS) $(FZ)/lf/libpptp.a $(FZP_WS_LIBS) $(GCRYPT_LIBS)
$(FZ)/replay/fuzz_plugin: tests/fuzz/fuzz_plugin.c tests/fuzz/standalone.c $(FZ_HDRS) $(FZP_SAN_OBJS) $(SAN)/libpptp.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(FZP_WS_CFLAGS) -Itests/fuzz -Idissector -o $@ tests/fuzz/fuzz_plugin.c tests/fuzz/standalone.c \
		$(FZP_SAN_OBJS) $(SAN)/libpptp.a $(FZP_WS_LIBS) $(GCRYPT_LIBS)
$(FZ)/tools/plugin_seeds: tests/fuzz/plugin_seeds.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(PCAP_LIBS)

FZP_ALL := $(FZ)/bin/fuzz_plugin $(FZ)/replay/fuzz_plugin $(FZ)/tools/plugin_seeds
.PHONY: fuzz-plugin fuzz-plugin-cov
ifeq ($(FZP_HAVE),yes)
fuzz-build: $(FZP_ALL)
check-run: $(FZP_ALL)
fuzz: fuzz-plugin
endif

# `make fuzz` runs it too (FUZZ_SECONDS); build/fuzz/seeds/plugin is made from the captures first
fuzz-plugin: $(FZP_ALL) $(CAP_PCAPS)
	@n=plugin; mkdir -p $(FZ)/corpus/$$n $(FZ)/artifacts/$$n; \
	rm -rf $(FZ)/seeds/$$n && $(FZ)/tools/plugin_seeds $(FZ)/seeds/$$n $(wildcard captures/real/*.pcap) $(CAP_PCAPS) || exit 1; \
	echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	$(FUZZ_NICE) $(FZ)/bin/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$(FZ)/artifacts/$$n/ -dict=tests/fuzz/dict/$$n.dict \
		$(FZ)/corpus/$$n $(FZ)/seeds/$$n tests/fuzz/corpus/$$n $$(ls -d tests/fuzz/regress/$$n 2>/dev/null) \
		>$(FZ)/artifacts/$$n/log 2>&1 || { tail -40 $(FZ)/artifacts/$$n/log; exit 1; }; \
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|DONE' $(FZ)/artifacts/$$n/log | tr '\n' ' '; echo

# line coverage of dissector/ and lib/ reached by the plugin's corpus (clang source-based coverage, replay driver)
FZP_COV_CFLAGS := $(STD) -O1 -g -fprofile-instr-generate -fcoverage-mapping $(INC) -Itests/fuzz -Idissector
fuzz-plugin-cov: $(FZ)/tools/plugin_seeds $(CAP_PCAPS)
	@mkdir -p $(FZ)/cov && n=plugin; \
	[ -d $(FZ)/seeds/$$n ] || $(FZ)/tools/plugin_seeds $(FZ)/seeds/$$n $(wildcard captures/real/*.pcap) $(CAP_PCAPS) || exit 1; \
	$(FUZZ_CC) $(FZP_COV_CFLAGS) $(FZP_WS_CFLAGS) -o $(FZ)/cov/fuzz_$$n tests/fuzz/fuzz_plugin.c tests/fuzz/standalone.c \
		$(FZP_SRCS) $(LIB_SRCS) $(FZP_WS_LIBS) $(GCRYPT_LIBS) || exit 1; \
	dirs=; for d in $(FZ)/corpus/$$n $(FZ)/seeds/$$n tests/fuzz/corpus/$$n tests/fuzz/regress/$$n; do \
		[ -d $$d ] && dirs="$$dirs $$d"; done; \
	LLVM_PROFILE_FILE=$(FZ)/cov/$$n.profraw $(FUZZ_NICE) $(FZ)/cov/fuzz_$$n $$dirs 2>/dev/null; \
	llvm-profdata merge -o $(FZ)/cov/$$n.profdata $(FZ)/cov/$$n.profraw && \
	llvm-cov report $(FZ)/cov/fuzz_$$n -instr-profile=$(FZ)/cov/$$n.profdata $(FZP_SRCS) $(LIB_SRCS) \
		2>/dev/null > $(FZ)/cov/$$n.txt; \
	grep -E '^dissector/|^TOTAL' $(FZ)/cov/$$n.txt
