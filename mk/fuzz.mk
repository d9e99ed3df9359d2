# mk/fuzz.mk: the fuzz harnesses of tests/fuzz (docs/robustness.md), included by the top Makefile.
#
#   make fuzz           every harness in turn for FUZZ_SECONDS (default 60) under libFuzzer, one at a time,
#                       at nice 19; the corpus grows in build/fuzz/corpus/NAME, findings go to
#                       build/fuzz/artifacts/NAME/.  FUZZ_ONLY="pptp gre" runs only those.
#   make fuzz-build     the harnesses: libFuzzer (clang, ASan+UBSan) in build/fuzz/bin/, and the same
#                       harnesses as plain replay drivers (gcc, ASan+UBSan) in build/fuzz/replay/
#   make fuzz-seeds     seed corpora cut out of captures/ into build/fuzz/seeds/NAME/
#   make check          runs tests/fuzz/run.sh: each harness for a couple of seconds, every kept corpus
#                       and regression file replayed, and the seeded mutation of every capture
#
# A harness is tests/fuzz/fuzz_NAME.c, or one source built several ways (fuzz_cp.c, fuzz_auth.c).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NICE    ?= nice -n 19
FUZZ_ONLY    ?=
FZ           := build/fuzz

FUZZ_NAMES := pptp tcpreasm ipdefrag gre ppp lcp ccp ipcp ipv6cp pap chap mschap mppe mppc tunnel analyzer

# source and defines of each harness
FZ_SRC_lcp    := fuzz_cp.c
FZ_DEF_lcp    := -DFZ_CP_KIND=0
FZ_SRC_ccp    := fuzz_cp.c
FZ_DEF_ccp    := -DFZ_CP_KIND=1
FZ_SRC_ipcp   := fuzz_cp.c
FZ_DEF_ipcp   := -DFZ_CP_KIND=2
FZ_SRC_ipv6cp := fuzz_cp.c
FZ_DEF_ipv6cp := -DFZ_CP_KIND=3
FZ_SRC_pap    := fuzz_auth.c
FZ_DEF_pap    := -DFZ_AUTH=1
FZ_SRC_chap   := fuzz_auth.c
FZ_DEF_chap   := -DFZ_AUTH=2
FZ_SRC_mschap := fuzz_auth.c
FZ_DEF_mschap := -DFZ_AUTH=3
fz_src = tests/fuzz/$(or $(FZ_SRC_$(1)),fuzz_$(1).c)

FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(STD) $(WARN) -O1 -g $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INC) $(CFLAGS)
FZ_HDRS      := tests/fuzz/fuzz.h $(LIB_HDRS) $(wildcard analyzer/*.h)

FZ_LF_LIB_OBJS := $(LIB_SRCS:%.c=$(FZ)/lf/%.o)
FZ_ANALYZER_NOMAIN := $(filter-out analyzer/main.c,$(ANALYZER_SRCS))
FZ_LF_AN_OBJS  := $(FZ_ANALYZER_NOMAIN:%.c=$(FZ)/lf/%.o) $(FZ)/lf/analyzer/main-nomain.o
FZ_SAN_AN_OBJS := $(FZ_ANALYZER_NOMAIN:%.c=$(SAN)/%.o) $(FZ)/san/analyzer/main-nomain.o

FUZZ_BINS    := $(FUZZ_NAMES:%=$(FZ)/bin/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(FZ)/replay/fuzz_%)
FUZZ_TOOLS   := $(FZ)/tools/seeds $(FZ)/tools/mutate

.PHONY: fuzz fuzz-build fuzz-seeds

$(FZ)/lf/%.o: %.c $(FZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ianalyzer -c $< -o $@
$(FZ)/lf/analyzer/main-nomain.o: analyzer/main.c $(FZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DPA_NO_MAIN -c $< -o $@
$(FZ)/san/analyzer/main-nomain.o: analyzer/main.c $(FZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -DPA_NO_MAIN -c $< -o $@
$(FZ)/lf/libpptp.a: $(FZ_LF_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

# fuzz_NAME: libFuzzer; replay/fuzz_NAME: the same harness with standalone.c's main (gcc), for corpus
# replay, AFL++ (afl-cc in place of CC) or a debugger.
define FZ_HARNESS
$(FZ)/bin/fuzz_$(1): $(call fz_src,$(1)) $(FZ_HDRS) $(FZ)/lf/libpptp.a $(if $(filter analyzer,$(1)),$(FZ_LF_AN_OBJS))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -Ianalyzer $(FZ_DEF_$(1)) -o $$@ $(call fz_src,$(1)) \
		$(if $(filter analyzer,$(1)),$(FZ_LF_AN_OBJS)) $(FZ)/lf/libpptp.a $(PCAP_LIBS) $(GCRYPT_LIBS)
$(FZ)/replay/fuzz_$(1): $(call fz_src,$(1)) tests/fuzz/standalone.c $(FZ_HDRS) $(SAN)/libpptp.a $(if $(filter analyzer,$(1)),$(FZ_SAN_AN_OBJS))
	@mkdir -p $$(dir $$@)
	$(CC) $(SAN_CFLAGS) -Itests/fuzz -Ianalyzer $(FZ_DEF_$(1)) -o $$@ $(call fz_src,$(1)) tests/fuzz/standalone.c \
		$(if $(filter analyzer,$(1)),$(FZ_SAN_AN_OBJS)) $(SAN)/libpptp.a $(PCAP_LIBS) $(GCRYPT_LIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FZ_HARNESS,$(n))))

$(FZ)/tools/seeds: tests/fuzz/seeds.c $(REL)/libpptp.a $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL)/libpptp.a $(PCAP_LIBS) $(GCRYPT_LIBS)
$(FZ)/tools/mutate: tests/fuzz/mutate.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $<

fuzz-build: $(FUZZ_BINS) $(FUZZ_REPLAYS) $(FUZZ_TOOLS)

fuzz-seeds: $(FZ)/tools/seeds $(CAP_PCAPS)
	rm -rf $(FZ)/seeds && $(FZ)/tools/seeds $(FZ)/seeds $(wildcard captures/real/*.pcap) $(CAP_PCAPS)

fuzz: fuzz-build fuzz-seeds
	@failed=; for n in $(or $(FUZZ_ONLY),$(FUZZ_NAMES)); do \
		mkdir -p $(FZ)/corpus/$$n $(FZ)/artifacts/$$n $(FZ)/seeds/$$n; \
		d=tests/fuzz/dict/$$n.dict; [ -f $$d ] || d=; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$(FUZZ_NICE) $(FZ)/bin/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(FZ)/artifacts/$$n/ $${d:+-dict=$$d} \
			$(FZ)/corpus/$$n $(FZ)/seeds/$$n tests/fuzz/corpus/$$n $$(ls -d tests/fuzz/regress/$$n 2>/dev/null) \
			>$(FZ)/artifacts/$$n/log 2>&1 || { tail -40 $(FZ)/artifacts/$$n/log; failed="$$failed $$n"; }; \
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|DONE' $(FZ)/artifacts/$$n/log | tr '\n' ' '; echo; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed (build/fuzz/artifacts/NAME/)"; exit 1; fi

check-run: $(FUZZ_BINS) $(FUZZ_REPLAYS) $(FUZZ_TOOLS)

DEPS += clang libclang-rt-14-dev

# Line coverage of lib/ and analyzer/ reached by a corpus: each harness built with clang's source-based
# coverage around the replay driver, run over build/fuzz/corpus/NAME, the seeds and the kept corpus;
# llvm-cov's summary per harness goes to build/fuzz/cov/NAME.txt.
FZ_COV_CFLAGS := $(STD) -O1 -g -fprofile-instr-generate -fcoverage-mapping $(INC) -Itests/fuzz -Ianalyzer
.PHONY: fuzz-cov
fuzz-cov: fuzz-seeds
	@mkdir -p $(FZ)/cov
	@for n in $(or $(FUZZ_ONLY),$(FUZZ_NAMES)); do \
		src=tests/fuzz/fuzz_$$n.c; def=; \
		case $$n in lcp) src=tests/fuzz/fuzz_cp.c def=-DFZ_CP_KIND=0;; ccp) src=tests/fuzz/fuzz_cp.c def=-DFZ_CP_KIND=1;; \
		ipcp) src=tests/fuzz/fuzz_cp.c def=-DFZ_CP_KIND=2;; ipv6cp) src=tests/fuzz/fuzz_cp.c def=-DFZ_CP_KIND=3;; \
		pap) src=tests/fuzz/fuzz_auth.c def=-DFZ_AUTH=1;; chap) src=tests/fuzz/fuzz_auth.c def=-DFZ_AUTH=2;; \
		mschap) src=tests/fuzz/fuzz_auth.c def=-DFZ_AUTH=3;; esac; \
		an=; [ $$n = analyzer ] && an="$(FZ_ANALYZER_NOMAIN) analyzer/main.c" def=-DPA_NO_MAIN; \
		$(FUZZ_CC) $(FZ_COV_CFLAGS) $$def -o $(FZ)/cov/fuzz_$$n $$src tests/fuzz/standalone.c $$an $(LIB_SRCS) \
			$(PCAP_LIBS) $(GCRYPT_LIBS) || exit 1; \
		dirs=; for d in $(FZ)/corpus/$$n $(FZ)/seeds/$$n tests/fuzz/corpus/$$n tests/fuzz/regress/$$n; do \
			[ -d $$d ] && dirs="$$dirs $$d"; done; \
		LLVM_PROFILE_FILE=$(FZ)/cov/$$n.profraw $(FUZZ_NICE) $(FZ)/cov/fuzz_$$n $$dirs 2>/dev/null; \
		llvm-profdata merge -o $(FZ)/cov/$$n.profdata $(FZ)/cov/$$n.profraw && \
		llvm-cov report $(FZ)/cov/fuzz_$$n -instr-profile=$(FZ)/cov/$$n.profdata $(LIB_SRCS) $$an \
			2>/dev/null > $(FZ)/cov/$$n.txt; \
		printf '%-10s ' $$n; tail -1 $(FZ)/cov/$$n.txt; \
	done
