# mk/threads.mk: tests/threads (issue 22 part 3, --threads), included by the top Makefile.
# The harness makes its larger capture with pptp-gencap, and counts the decryption threads with strace.
check-run: $(REL)/pptp-gencap $(REL)/bench/rusage
DEPS += strace
