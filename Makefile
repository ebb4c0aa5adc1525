# pmcheck — build, test and install.
#
#   make            build build/pmcheck
#   make run        install dependencies if missing, build, judge the login example
#   make check      install dependencies if missing, build, run every test
#   make asan       the same tests under AddressSanitizer + UBSan
#                   (also: make check SANITIZE=1)
#   make install    PREFIX=/usr/local DESTDIR= (binary, man page, bash and zsh completions)
#   make WERROR=1   warnings are errors
#   make bench      speed and memory against the libyaml floor (bench/bench.mk)
#   make fuzz, make leakcheck, make faults, make hardening-deps
#                   fuzzing, valgrind and fault injection (fuzz/fuzz.mk)

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
PKG_CONFIG ?= pkg-config

# -fno-plt: calls into libyaml and the C library go through the GOT
# directly, not through a PLT stub each (about 2% of a batch's time; see
# docs/performance.md).  Left out where the compiler does not know it.
PM_NOPLT := $(shell $(CC) -fno-plt -x c -c -o /dev/null /dev/null 2>/dev/null && echo -fno-plt)
CFLAGS   ?= -O2 -g $(PM_NOPLT)
WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

ifeq ($(SANITIZE),1)
BUILD    ?= build/sanitize
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

# Expanded when used, so that `make check` sees libraries `deps` just installed.
YAML_CFLAGS   = $(shell $(PKG_CONFIG) --cflags yaml-0.1)
YAML_LIBS     = $(shell $(PKG_CONFIG) --libs yaml-0.1)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka)

PM_CPPFLAGS = -Iinclude -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(CPPFLAGS)
PM_CFLAGS   = $(WARNINGS) $(SANFLAGS) -pthread $(CFLAGS) $(YAML_CFLAGS)
PM_LDFLAGS  = $(SANFLAGS) -pthread $(LDFLAGS)

SRCS     := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all deps run check test asan clean install uninstall

all: $(BUILD)/pmcheck

# Installs what the build and the tests need when it is missing: libyaml,
# cmocka and pkg-config, and Python's jsonschema and yaml modules for
# tests/schemas.sh.  With apt-get the modules are installed for
# /usr/bin/python3, the Python tests/schemas.sh falls back on, whichever
# python3 comes first on PATH; without apt-get, any python3 that has them
# will do.
deps:
	@pkgs=; \
	$(PKG_CONFIG) --exists yaml-0.1 cmocka 2>/dev/null || \
		pkgs="libyaml-dev libcmocka-dev pkg-config"; \
	if /usr/bin/python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 || \
	     ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then \
		pkgs="$${pkgs:+$$pkgs }python3-jsonschema python3-yaml"; \
	fi; \
	if [ -z "$$pkgs" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		echo "installing $$pkgs"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$$pkgs >/dev/null; \
	else \
		echo "pmcheck: missing packages; install $$pkgs" \
		     "(or your system's libyaml, cmocka, pkg-config and Python" \
		     "jsonschema and yaml packages)" >&2; \
		exit 1; \
	fi

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(PM_CPPFLAGS) $(PM_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libpmcheck.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/pmcheck: $(BUILD)/obj/main.o $(BUILD)/libpmcheck.a
	$(CC) $(PM_LDFLAGS) -o $@ $^ $(YAML_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libpmcheck.a
	@mkdir -p $(@D)
	$(CC) $(PM_CPPFLAGS) $(PM_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -o $@ $< \
		$(BUILD)/libpmcheck.a $(PM_LDFLAGS) $(CMOCKA_LIBS) $(YAML_LIBS) $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/pmcheck --fail-on never examples/login-hotfix.yaml

check: deps
	@$(MAKE) --no-print-directory test

# Every unit test program, then the golden CLI tests; fails on any failure.
test: $(BUILD)/pmcheck $(TESTS)
	@fail=0; for t in $(TESTS); do \
		echo "== $$t"; $$t || fail=1; \
	done; \
	echo "== golden CLI tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/golden.sh || fail=1; \
	echo "== CLI behaviour tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/cli_misc.sh || fail=1; \
	echo "== configuration and history tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/cli_config.sh || fail=1; \
	echo "== output file tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/cli_output.sh || fail=1; \
	echo "== JSON Schema tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/schemas.sh || fail=1; \
	echo "== shell completion tests"; \
	PMCHECK=$(BUILD)/pmcheck bash tests/completions.sh || fail=1; \
	echo "== install tests"; \
	BUILD=$(BUILD) sh tests/install.sh || fail=1; \
	echo "== CI recipe tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/ci_recipes.sh || fail=1; \
	echo "== hostile input tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/hostile.sh || fail=1; \
	echo "== output injection tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/injection.sh || fail=1; \
	echo "== output file safety tests"; \
	PMCHECK=$(BUILD)/pmcheck sh tests/files.sh || fail=1; \
	exit $$fail

asan:
	@$(MAKE) --no-print-directory check SANITIZE=1

install: $(BUILD)/pmcheck
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BUILD)/pmcheck $(DESTDIR)$(BINDIR)/pmcheck
	install -m 644 docs/pmcheck.1 $(DESTDIR)$(MANDIR)/man1/pmcheck.1
	install -m 644 completions/pmcheck.bash $(DESTDIR)$(BASHCOMPDIR)/pmcheck
	install -m 644 completions/_pmcheck $(DESTDIR)$(ZSHCOMPDIR)/_pmcheck

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pmcheck $(DESTDIR)$(MANDIR)/man1/pmcheck.1 \
		$(DESTDIR)$(BASHCOMPDIR)/pmcheck $(DESTDIR)$(ZSHCOMPDIR)/_pmcheck

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/main.d $(TESTS:=.d)
-include fuzz/fuzz.mk
-include bench/bench.mk
