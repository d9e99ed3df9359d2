# mk/deb.mk: the Debian packages (debian/), included by the top Makefile.
#   make deb        pptp-suite_VERSION_ARCH.deb and wireshark-plugin-pptp-suite_VERSION_ARCH.deb in build/deb/out,
#                   built by dpkg-buildpackage -us -uc -b from a copy of the tree as git sees it (never in this tree),
#                   then lintian on the .changes (tools/deb/build.sh)
#   make deb-build  what debian/rules builds (run with PREFIX=/usr): the programs and the plugin
# tests/deb/run.sh (make check) builds them the same way and installs them in a Debian 12 root made by mmdebstrap.
DEPS += dpkg-dev debhelper lintian mmdebstrap fakeroot

.PHONY: deb deb-build
# (a recipe, not prerequisites: install.mk and plugin.mk, which set INST and PLUGIN_SO, are read after this file)
deb-build:
	$(MAKE) --no-print-directory bin/pptp-analyze $(INST)/pptp-conform $(PLUGIN_SO)
deb:
	sh tools/deb/build.sh build/deb/out
