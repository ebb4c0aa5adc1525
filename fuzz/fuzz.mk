# Fuzzing and the other hardening checks; included by the Makefile.
# docs/security.md says what each one shows.
#
#   make hardening-deps  install clang with its libFuzzer runtime, and
#                        valgrind, when missing (apt-get)
#   make fuzz            build the libFuzzer targets into $(BUILD)/fuzz
#   make fuzz-run        build them, run each for FUZZ_SECONDS (default 60)
#                        and replay the saved corpus and crashes (fuzz/run.sh)
#   make leakcheck       the golden CLI tests, every pmcheck run under valgrind
#   make faults          every allocation, write, fsync and rename made to
#                        fail in turn (tests/faults.sh, LD_PRELOAD shim)

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
# Library objects carry coverage for libFuzzer and the same sanitizers as
# `make asan`; only the targets link libFuzzer's main().
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
                -fsanitize=address,undefined $(WARNINGS)
FUZZ_OBJS    := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS))
FUZZ_TARGETS := $(patsubst fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard fuzz/fuzz_*.c))

VALGRIND       ?= valgrind
VALGRIND_FLAGS ?= --error-exitcode=99 --leak-check=full \
                  --errors-for-leak-kinds=definite,indirect -q
LEAK_DIR       := $(BUILD)/leakcheck
FAULTS_DIR     := $(BUILD)/faults

.PHONY: hardening-deps fuzz fuzz-run leakcheck faults

hardening-deps:
	@pkgs=; \
	command -v $(FUZZ_CC) >/dev/null 2>&1 || pkgs=clang; \
	command -v $(VALGRIND) >/dev/null 2>&1 || pkgs="$$pkgs valgrind"; \
	SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	install() { \
		echo "installing $$*"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			"$$@" >/dev/null; \
	}; \
	if [ -n "$$pkgs" ]; then \
		command -v apt-get >/dev/null 2>&1 || { \
			echo "pmcheck: install$$pkgs (clang with libFuzzer, valgrind)" >&2; \
			exit 1; }; \
		install $$pkgs || exit 1; \
	fi; \
	probe=$$(mktemp -d) || exit 1; \
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
		>"$$probe/probe.c"; \
	if ! $(FUZZ_CC) -fsanitize=fuzzer,address -o "$$probe/probe" \
		"$$probe/probe.c" >/dev/null 2>&1; then \
		ver=$$($(FUZZ_CC) -dumpversion | cut -d. -f1); \
		install libclang-rt-$$ver-dev || install libclang-common-$$ver-dev || \
			{ rm -rf "$$probe"; exit 1; }; \
	fi; \
	rm -rf "$$probe"

$(FUZZ_DIR)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PM_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		$(YAML_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(PM_CPPFLAGS) -Ifuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(YAML_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(YAML_LIBS)

fuzz: $(FUZZ_TARGETS)

# Named only by a pattern rule above: keep them between builds.
.SECONDARY: $(FUZZ_OBJS)

fuzz-run:
	BUILD=$(BUILD) sh fuzz/run.sh $(FUZZ_SECONDS)

# golden.sh runs whatever PMCHECK names; this one runs the real binary
# under valgrind, so any leak or memory error fails the case (status 99
# and valgrind's report on stderr).
$(LEAK_DIR)/pmcheck: $(BUILD)/pmcheck
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s %s "$$@"\n' '$(VALGRIND)' '$(VALGRIND_FLAGS)' \
		"$$(cd $(BUILD) && pwd)/pmcheck" >$@
	chmod +x $@

leakcheck: $(LEAK_DIR)/pmcheck
	PMCHECK=$(LEAK_DIR)/pmcheck sh tests/golden.sh

$(FAULTS_DIR)/failalloc.so: tests/faults/failalloc.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -shared -fPIC \
		-Wl,-soname,libpmfailalloc.so -o $@ $< -ldl

# The shim replaces malloc and write through LD_PRELOAD, which a binary
# built with sanitizers does not allow: the plain build is the one tested.
faults: $(BUILD)/pmcheck $(FAULTS_DIR)/failalloc.so
	@if [ "$(SANITIZE)" = 1 ]; then \
		echo "make faults needs a build without SANITIZE=1" >&2; exit 2; fi
	PMCHECK=$(BUILD)/pmcheck FAILALLOC=$(FAULTS_DIR)/failalloc.so \
		sh tests/faults.sh

-include $(FUZZ_OBJS:.o=.d)
