# mk/install.mk: make install / make uninstall, included by the top Makefile.
#   make install [PREFIX=/usr/local] [DESTDIR=/staging/root] [INSTALL_PLUGIN=auto|yes|no]
#     $(PREFIX)/bin/pptp-analyze, pptp-conform
#     $(PREFIX)/share/man/man1/pptp-analyze.1, pptp-conform.1, man5/pptp-scenario.5
#     $(PREFIX)/share/pptp-suite/scenarios/*.pptp          the library pptp-conform runs by default
#     $(PREFIX)/share/bash-completion/completions/pptp-analyze, pptp-conform
#     the Wireshark plugin, when it is built (auto) or always (yes): through plugin.mk's install-plugin, into the
#     plugin folder of Wireshark's own prefix (pkg-config's plugindir, /usr/lib/.../wireshark/plugins/4.0/epan),
#     whatever PREFIX is: Wireshark looks only there and in the per-user folder. WS_PREFIX=... overrides it.
# pptp-conform is linked again for installation with the library folder of PREFIX compiled in (CF_SCENARIO_DIR);
# it also finds ../share/pptp-suite/scenarios next to itself, so a staged or moved tree works too.
# PREFIX is not given a default here, because plugin.mk's install-plugin reads an empty PREFIX as "per-user".

INST_PREFIX  := $(or $(PREFIX),/usr/local)
BINDIR       ?= $(INST_PREFIX)/bin
DATADIR      ?= $(INST_PREFIX)/share
MANDIR       ?= $(DATADIR)/man
SCENARIODIR  := $(DATADIR)/pptp-suite/scenarios
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
INSTALL      ?= install
INSTALL_PLUGIN ?= auto
WS_PREFIX    ?= $(shell $(PKGCONF) --variable=prefix wireshark 2>/dev/null || echo /usr)

INST := build/inst
INST_MAN  := $(sort $(wildcard man/*.[1-9]))
SCENARIOS := $(sort $(wildcard conformance/scenarios/*.pptp))

# the compiled-in library folder changes with PREFIX: a stamp holding it, rewritten only when it differs
.PHONY: install uninstall FORCE
$(INST)/scenario-dir: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SCENARIODIR)' | cmp -s - $@ || echo '$(SCENARIODIR)' > $@
$(INST)/conformance/main.o: conformance/main.c $(CONFORM_HDRS) $(INST)/scenario-dir
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -Itools/mkcap -DCF_SCENARIO_DIR='"$(SCENARIODIR)"' -c $< -o $@
$(INST)/pptp-conform: $(INST)/conformance/main.o $(filter-out $(REL)/conformance/main.o,$(CONFORM_SRCS:%.c=$(REL)/%.o)) \
		$(MKCAP_LIB_SRCS:%.c=$(REL)/%.o) $(REL)/libpptp.a
	$(CC) $(REL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GCRYPT_LIBS)

install: bin/pptp-analyze $(INST)/pptp-conform $(INST_MAN) $(SCENARIOS) completion/pptp-suite.bash
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SCENARIODIR) \
		$(DESTDIR)$(COMPLETIONDIR)
	$(INSTALL) -m 0755 bin/pptp-analyze $(DESTDIR)$(BINDIR)/pptp-analyze
	$(INSTALL) -m 0755 $(INST)/pptp-conform $(DESTDIR)$(BINDIR)/pptp-conform
	$(INSTALL) -m 0644 $(filter %.1,$(INST_MAN)) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 0644 $(filter %.5,$(INST_MAN)) $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 0644 $(SCENARIOS) $(DESTDIR)$(SCENARIODIR)
	$(INSTALL) -m 0644 completion/pptp-suite.bash $(DESTDIR)$(COMPLETIONDIR)/pptp-analyze
	ln -sf pptp-analyze $(DESTDIR)$(COMPLETIONDIR)/pptp-conform
	@if [ "$(INSTALL_PLUGIN)" = yes ] || { [ "$(INSTALL_PLUGIN)" = auto ] && [ -f "$(PLUGIN_SO)" ]; }; then \
		echo "$(MAKE) install-plugin PREFIX=$(WS_PREFIX) DESTDIR=$(DESTDIR)"; \
		$(MAKE) --no-print-directory install-plugin PREFIX=$(WS_PREFIX) DESTDIR=$(DESTDIR); \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pptp-analyze $(DESTDIR)$(BINDIR)/pptp-conform
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(INST_MAN)))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(INST_MAN))))
	rm -f $(DESTDIR)$(SCENARIODIR)/*.pptp
	rmdir $(DESTDIR)$(SCENARIODIR) $(DESTDIR)$(DATADIR)/pptp-suite 2>/dev/null || true
	rm -f $(DESTDIR)$(COMPLETIONDIR)/pptp-analyze $(DESTDIR)$(COMPLETIONDIR)/pptp-conform
	@d="$(DESTDIR)$$($(PKGCONF) --define-variable=prefix=$(WS_PREFIX) --variable=plugindir wireshark 2>/dev/null)/epan"; \
	if [ -f "$$d/pptpsuite.so" ]; then echo "rm -f $$d/pptpsuite.so"; rm -f "$$d/pptpsuite.so"; fi

# make check: tests/man/run.sh installs what make check built, without building anything itself
check-run: $(INST)/pptp-conform
