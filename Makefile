# zoom-webinar-mcp - GNU Make build. The source lists below are the architecture:
# one library per layer, each knowing only the layers beneath it.
#
#   base       logging and small utilities every layer may use
#   mcp        the MCP core (JSON-RPC, both protocol eras, registries)   -> base
#   transport  stdio framing, Streamable HTTP (libmicrohttpd)             -> mcp, base
#   zoom       config, OAuth token cache, libcurl client                  -> base
#   sim        the Zoom simulator ("sandbox") on libmicrohttpd            -> base
#   tools      the webinar tools and resources                            -> mcp, zoom
#
# Programs: build/zoom-webinar-mcp (src/main.c), build/zoomsim (the standalone
# sandbox), build/mcp-fixture-server (tests/fixture: conformance fixtures on
# the core, no Zoom).

.DEFAULT_GOAL := all

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2
SANITIZE ?=
CFLAGS   ?=
LDFLAGS  ?=

WARN  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) $(SANITIZE) -Isrc -pthread \
  -fno-plt
PKG_CURL := $(shell pkg-config --cflags libcurl 2>/dev/null)
PKG_JSON := $(shell pkg-config --cflags jansson 2>/dev/null)
PKG_MHD  := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
# cairo's header types the functions chart.c takes from libcairo.so.2 (dlopen on
# the first chart: nothing links it).
PKG_CAIRO := $(shell pkg-config --cflags cairo 2>/dev/null)
ALL_CFLAGS := $(BASE_CFLAGS) $(PKG_CURL) $(PKG_JSON) $(PKG_MHD) $(CFLAGS)

LIB_JSON := $(shell pkg-config --libs jansson 2>/dev/null)
LIB_CURL := $(shell pkg-config --libs libcurl 2>/dev/null)
LIB_MHD  := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
LIB_CMOCKA := $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_LDFLAGS := $(SANITIZE) -pthread -Wl,--as-needed -Wl,-O1 $(LDFLAGS)

OBJ := $(BUILD)/obj

# Every .c of a layer folder is part of that layer's library; *_main.c files
# are programs and stay out of the libraries.
layer_srcs = $(filter-out %_main.c,$(sort $(wildcard src/$(1)/*.c)))
layer_objs = $(patsubst %.c,$(OBJ)/%.o,$(call layer_srcs,$(1)))

LAYERS := base mcp transport zoom sim tools
$(foreach l,$(LAYERS),$(eval LIB_$(l) := $(BUILD)/lib$(l).a))

# A layer with no sources yet still yields a (valid, empty) archive.
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@) && rm -f $@
	$(AR) rcs $@ $(filter %.o,$^)

$(foreach l,$(LAYERS),$(eval $(BUILD)/lib$(l).a: $(call layer_objs,$(l))))

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/src/tools/chart.o: ALL_CFLAGS += $(PKG_CAIRO)

# The tool catalogue is JSON built into catalog.o (.incbin).
$(OBJ)/src/tools/catalog.o: $(wildcard src/tools/catalog/*.json)

# ---- programs -------------------------------------------------------------

SERVER  := $(BUILD)/zoom-webinar-mcp
FIXTURE := $(BUILD)/mcp-fixture-server
ZOOMSIM := $(BUILD)/zoomsim
PROGRAMS := $(SERVER) $(FIXTURE) $(ZOOMSIM)

FIXTURE_SRCS := $(sort $(wildcard tests/fixture/*.c))

$(SERVER): $(OBJ)/src/main.o $(LIB_tools) $(LIB_transport) $(LIB_mcp) $(LIB_zoom) $(LIB_sim) $(LIB_base)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

$(FIXTURE): $(patsubst %.c,$(OBJ)/%.o,$(FIXTURE_SRCS)) $(LIB_transport) $(LIB_mcp) $(LIB_base)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_MHD) $(LIB_JSON)

$(ZOOMSIM): $(OBJ)/src/sim/zoomsim_main.o $(LIB_sim) $(LIB_base)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_MHD) $(LIB_JSON)

# ---- unit tests (cmocka): tests/unit/test_NAME.c -> build/tests/test_NAME ---

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
ALL_LIBS   := $(LIB_tools) $(LIB_transport) $(LIB_mcp) $(LIB_zoom) $(LIB_sim) $(LIB_base)
TEST_SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
# An archive, so each test links only the support objects it uses.
TEST_SUPPORT := $(BUILD)/libtestsupport.a
$(TEST_SUPPORT): $(patsubst %.c,$(OBJ)/%.o,$(TEST_SUPPORT_SRCS))

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(TEST_SUPPORT) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_CMOCKA) $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

# test_secmem judges the memory the code gives back: every free, realloc and fclose of the
# objects linked into it goes through the test first.
$(BUILD)/tests/test_secmem: ALL_LDFLAGS += -Wl,--wrap=free -Wl,--wrap=realloc -Wl,--wrap=fclose

# ---- test helper programs: tests/progs/NAME.c -> build/tests/progs/NAME ------

PROG_SRCS := $(sort $(wildcard tests/progs/*.c))
PROG_BINS := $(patsubst tests/progs/%.c,$(BUILD)/tests/progs/%,$(PROG_SRCS))

$(BUILD)/tests/progs/%: $(OBJ)/tests/progs/%.o $(TEST_SUPPORT) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

# ---- benchmark programs: bench/NAME.c -> build/bench/NAME ---------------------

BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

$(BUILD)/bench/%: $(OBJ)/bench/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

# ---- goals ------------------------------------------------------------------

.PHONY: all bootstrap build run test unit integration conformance asan valgrind bench format \
  format-check clean

all: build

# Keep objects that pattern rules build on the way to a program.
.SECONDARY:

bootstrap:
	@scripts/bootstrap

# Build output goes to stderr: `make run` keeps stdout for MCP messages alone.
build: bootstrap
	@$(MAKE) --no-print-directory programs >&2

.PHONY: programs
programs: $(PROGRAMS) $(UNIT_BINS) $(PROG_BINS) $(BENCH_BINS)

# Starts the server on stdio (on the sandbox when no Zoom credentials are set).
run: build
	@exec $(SERVER) $(ARGS)

# Every test: unit, integration, then the same again under ASan+UBSan, then
# the unit tests under valgrind.
test: build
	@scripts/test all

unit: build
	@scripts/test unit

integration: build
	@scripts/test integration

# The official MCP conformance suites (0.1.16 active and pending; 0.2.0-alpha.12
# with --requirements 2025-11-25 and 2026-07-28) against build/mcp-fixture-server
# over its own HTTP transport. Also part of integration (so of test).
conformance: build
	@scripts/test conformance

asan: bootstrap
	@scripts/test asan

valgrind: build
	@scripts/test valgrind

bench: build
	@scripts/bench

# The full soak (tests/soak/soak.mjs): 100,000 mixed calls, 4 clients, 5 % faults.
.PHONY: soak
soak: build
	@node_modules/.bin/node tests/soak/soak.mjs --calls $(or $(SOAK_CALLS),100000) $(SOAK_ARGS)

# Rewrites the README's tool table from the catalogue (a test checks it).
.PHONY: readme-tools
readme-tools: build
	@node_modules/.bin/node scripts/readme-tools.mjs

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# Static analysis (scripts/test runs each as one test): the format check above,
# cppcheck (scripts/cppcheck: jansson's macros, project-wide suppressions with
# their reasons) and clang-tidy (checks and exclusions in .clang-tidy). clang-tidy
# gets the build's flags less the warnings (clang's own -Wall is not the gate).
LINT_CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -pthread $(PKG_CURL) $(PKG_JSON) $(PKG_MHD) $(PKG_CAIRO) \
  $(shell pkg-config --cflags cmocka 2>/dev/null)
# The static analyzer (clang-analyzer-*, about 2 s of CPU a file) looks at src/
# alone; tests and benchmarks get the other checks, and run under ASan, UBSan
# and valgrind besides.
LINT_TIDY_SRCS = git ls-files 'src/*.c'
LINT_TIDY_TEST_SRCS = git ls-files 'tests/*.c' 'bench/*.c'

.PHONY: lint lint-cppcheck lint-tidy
lint: bootstrap format-check lint-cppcheck lint-tidy

lint-cppcheck:
	cppcheck -q -j2 --std=c11 -D_GNU_SOURCE -Isrc --enable=warning,performance,portability \
	  --error-exitcode=1 --inline-suppr --library=posix --library=gnu --library=libcurl \
	  --library=scripts/cppcheck/jansson.cfg --suppressions-list=scripts/cppcheck/suppressions \
	  --template='{file}:{line}: {severity} [{id}] {message}' src tests bench

# scripts/tidy runs two files at a time and skips a file that passed before with
# the same preprocessed text, flags and checks (stamps in $(BUILD)/lint-tidy).
lint-tidy:
	@TIDY_CFLAGS="$(LINT_CFLAGS)" scripts/tidy $(BUILD)/lint-tidy \
	  $$($(LINT_TIDY_SRCS)) -- $$($(LINT_TIDY_TEST_SRCS))

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# ---- fuzz targets: tests/fuzz/fuzz_NAME.c ------------------------------------
# Each target defines LLVMFuzzerTestOneInput. The normal build links it with
# tests/fuzz/replay_main.c into $(BUILD)/fuzz/replay_NAME, which replays the
# committed corpus tests/fuzz/corpus/NAME (scripts/test runs it with the unit
# tests). `make fuzz` builds the libraries again with clang and libFuzzer's
# coverage in build-fuzz/ and runs each target FUZZ_SECONDS on its corpus.

FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
REPLAY_BINS  := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_NAMES))
FUZZ_BINS    := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer

programs: $(REPLAY_BINS)

$(BUILD)/fuzz/replay_%: $(OBJ)/tests/fuzz/fuzz_%.o $(OBJ)/tests/fuzz/replay_main.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

# gcc's -Werror build is the warning gate; clang's extra warnings (such as the
# deliberate constant-time '&' of sim_oauth.c) do not stop the fuzz build.
# Only meaningful with BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=$(FUZZ_SANITIZE).
$(BUILD)/fuzz/fuzz_%: $(OBJ)/tests/fuzz/fuzz_%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $^ $(LIB_CURL) $(LIB_MHD) $(LIB_JSON)

.PHONY: fuzz fuzz-build fuzz-targets
fuzz-targets: $(FUZZ_BINS)

fuzz-build:
	@scripts/bootstrap fuzz
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 \
	  SANITIZE="$(FUZZ_SANITIZE)" CFLAGS=-Wno-error fuzz-targets >&2

# FUZZ_TARGETS="pct schema" picks targets; new inputs go to build-fuzz/scratch.
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BUILD) $(or $(FUZZ_TARGETS),$(FUZZ_NAMES))
