# mk/lab.mk: the real-peer lab (docs/lab.md), included by the top Makefile.
#
#   make lab         build the guest if needed, boot it, run every scenario, write captures/real/
#                    (captures, pppd logs, MANIFEST); non-zero if a scenario did not end as
#                    its manifest entry says. Prints how long each step took.
#   make lab-guest   only build the guest (kernel + initramfs from Debian packages) in build/lab/
#   make lab-deps    install what the host needs (apt-get; idempotent)
#   make check-lab   check captures/real/MANIFEST against the files (no guest, no root)
#   make lab-peer-start / lab-peer-stop   the guest as a long-running peer (tools/lab/peer-start)
#
# LAB_SCENARIOS=name... runs only those; LAB_JOBS=N boots N guests side by side (default 3).

LAB_DIR       ?= build/lab
LAB_OUT       ?= captures/real
LAB_JOBS      ?= 3
LAB_SCENARIOS ?=
LAB_HOST_PKGS := qemu-system-x86 tcpdump iproute2 dpkg tar gzip coreutils
LAB_GUEST_INPUTS := tools/lab/build-guest.sh tools/lab/guest-packages tools/lab/guest-modules \
                    $(wildcard tools/lab/guest/*) $(wildcard tools/lab/scenarios/*.conf)

.PHONY: lab lab-guest lab-deps lab-verify check-lab lab-peer-start lab-peer-stop

lab: lab-deps
	$(MAKE) --no-print-directory -f mk/lab.mk lab-guest LAB_DIR=$(LAB_DIR)
	LAB_DIR=$(abspath $(LAB_DIR)) LAB_OUT=$(abspath $(LAB_OUT)) LAB_JOBS=$(LAB_JOBS) \
		bash tools/lab/run-lab.sh $(LAB_SCENARIOS)
	$(MAKE) --no-print-directory lab-verify

# The fresh captures against the analyzer: verdicts as the MANIFEST expects, decryption against the
# inner captures, and the golden outputs with every number masked (the random values of a run).
# Then `make golden-regen` refreshes the byte-for-byte expected files; review them with git diff.
lab-verify: $(SAN)/pptp-analyze $(CAP_PCAPS)
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/verdicts/run.sh
	PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/analyzer/run.sh
	@echo "lab: golden outputs with numbers masked (real peers race: who sends Terminate or FIN first can differ):"
	-GOLDEN_MODE=normalized GOLDEN_ONLY=real- PT_TOP=$(CURDIR) SAN=$(SAN) sh tests/golden/run.sh
	@echo "lab: now run make golden-regen and review git diff tests/golden before committing the captures"

lab-guest: $(LAB_DIR)/initrd.img

$(LAB_DIR)/initrd.img: $(LAB_GUEST_INPUTS)
	bash tools/lab/build-guest.sh $(LAB_DIR)

# Installs only what is missing; apt-get update only when something is missing or the
# package lists do not know linux-image-amd64 yet (a fresh machine). The guest's packages
# are not installed on the host: build-guest.sh takes them with apt-get download.
lab-deps:
	@missing=""; \
	for p in $(LAB_HOST_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] || ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then \
		echo "lab-deps: installing:$$missing"; \
		apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "lab-deps: host packages present ($(LAB_HOST_PKGS))"; \
	fi

check-lab:
	sh tests/lab/check-manifest.sh $(LAB_OUT)/MANIFEST

lab-peer-start: lab-guest
	tools/lab/peer-start
lab-peer-stop:
	tools/lab/peer-stop
