# plugin.mk: the Wireshark 4.0 plugin (dissector/), built against Debian's wireshark-dev through pkg-config.
#   make plugin            build/plugin/4.0/epan/pptpsuite.so (lib/ compiled again, position-independent, in build/pic)
#   make install-plugin    the per-user folder (~/.local/lib/wireshark/plugins/4.0/epan); with PREFIX or DESTDIR
#                          the system folder of that prefix (pkg-config's plugindir, re-rooted)
DEPS += tshark wireshark-dev libwireshark-dev libglib2.0-dev

PLUGIN_HAVE := $(shell $(PKGCONF) --exists wireshark 2>/dev/null && echo yes)
PIC := build/pic
PLUGIN_DIR := build/plugin
PLUGIN_SO := $(PLUGIN_DIR)/4.0/epan/pptpsuite.so
PLUGIN_SRCS := $(sort $(wildcard dissector/*.c))
PIC_LIB_OBJS := $(LIB_SRCS:%.c=$(PIC)/%.o)
PLUGIN_OBJS := $(PLUGIN_SRCS:%.c=$(PIC)/%.o)
# Wireshark's headers as system headers: our warnings are for our code
WS_CFLAGS = $(patsubst -I%,-isystem %,$(shell $(PKGCONF) --cflags wireshark))
WS_LIBS = $(shell $(PKGCONF) --libs wireshark)
PIC_CFLAGS := $(STD) $(WARN) -O2 -g -fPIC -fvisibility=hidden $(INC) $(CPPFLAGS) $(CFLAGS)

.PHONY: plugin install-plugin plugin-have
plugin: $(PLUGIN_SO)

# before any compiler error about a missing header: say what is missing
plugin-have:
	@if [ "$(PLUGIN_HAVE)" != yes ]; then echo "plugin: pkg-config finds no wireshark (make deps installs wireshark-dev)"; exit 1; fi

$(PIC)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PIC_CFLAGS) -c $< -o $@
$(PIC)/dissector/%.o: dissector/%.c dissector/pptpsuite.h $(LIB_HDRS) | plugin-have
	@mkdir -p $(dir $@)
	$(CC) $(PIC_CFLAGS) $(WS_CFLAGS) -c $< -o $@
$(PIC)/libpptp.a: $(PIC_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^
$(PLUGIN_SO): $(PLUGIN_OBJS) $(PIC)/libpptp.a
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,--no-undefined -Wl,-z,defs $(LDFLAGS) -o $@ $(PLUGIN_OBJS) $(PIC)/libpptp.a $(WS_LIBS) $(GCRYPT_LIBS)

# per-user unless a prefix or a staging root is given
install-plugin: $(PLUGIN_SO)
	@if [ -n "$(PREFIX)$(DESTDIR)" ]; then \
		d="$(DESTDIR)$$($(PKGCONF) --define-variable=prefix=$(or $(PREFIX),/usr) --variable=plugindir wireshark)/epan"; \
	else d="$${HOME}/.local/lib/wireshark/plugins/4.0/epan"; fi; \
	mkdir -p "$$d" && install -m 0644 $(PLUGIN_SO) "$$d/pptpsuite.so" && echo "installed $$d/pptpsuite.so"

# make check: the plugin's tests need it built (tests/plugin/run.sh fails, saying why, without the dev package)
ifeq ($(PLUGIN_HAVE),yes)
check-run: $(PLUGIN_SO)
endif
