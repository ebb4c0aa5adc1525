# make bench: pmcheck's speed and memory against the libyaml floor.
# Included from the Makefile; bench/run.sh does the measuring and
# docs/performance.md explains the figures.
#
#   make bench                      build, generate the corpus, measure
#   make bench BUILD=build/bench    the same with objects elsewhere
#   make bench-tools                only build pmcheck and the bench programs
#
# The bench programs go to $(BUILD)/bench/, the generated corpus to
# $(BUILD)/bench-data/.  They are built without sanitizers whatever
# SANITIZE says: timings of an instrumented binary mean nothing.

BENCH_BIN   := $(BUILD)/bench
BENCH_DATA  ?= $(BUILD)/bench-data
BENCH_PROGS := $(BENCH_BIN)/gen $(BENCH_BIN)/floor $(BENCH_BIN)/measure
BENCH_CFLAGS = $(WARNINGS) $(CFLAGS)

.PHONY: bench bench-run bench-tools

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: bench-tools
	BUILD='$(BUILD)' PMCHECK='$(BUILD)/pmcheck' BENCH_BIN='$(BENCH_BIN)' \
		BENCH_DATA='$(BENCH_DATA)' BENCH_NO_BUILD=1 bash bench/run.sh

bench-tools: $(BUILD)/pmcheck $(BENCH_PROGS)

$(BENCH_BIN)/gen: bench/gen.c
	@mkdir -p $(@D)
	$(CC) $(PM_CPPFLAGS) $(BENCH_CFLAGS) -o $@ $< $(LDFLAGS)

$(BENCH_BIN)/measure: bench/measure.c
	@mkdir -p $(@D)
	$(CC) $(PM_CPPFLAGS) $(BENCH_CFLAGS) -o $@ $< $(LDFLAGS)

$(BENCH_BIN)/floor: bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(PM_CPPFLAGS) $(BENCH_CFLAGS) $(YAML_CFLAGS) -o $@ $< $(LDFLAGS) \
		$(YAML_LIBS)
