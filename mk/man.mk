# mk/man.mk: the manual pages (man/, mdoc), checked with mandoc, included by the top Makefile.
#   make man-lint     mandoc -T lint -W warning on every page (tests/man/run.sh does the same in make check,
#                     and checks each page's options against its program's --help)
DEPS += mandoc bash-completion

MAN_PAGES := $(sort $(wildcard man/*.[1-9]))

.PHONY: man-lint
man-lint:
	mandoc -T lint -W warning $(MAN_PAGES)
check-run: $(REL)/pptp-gencap
