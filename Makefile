# boardpack - see README.md.  The two set-up commands: `make report` and `make check`.
.SUFFIXES:

VERSION  := 0.1.0
ifeq ($(origin CC),default)
  CC     := cc
endif
BUILD    ?= build
SAN      ?=
CFLAGS_BASE := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
               -D_POSIX_C_SOURCE=200809L -DBP_VERSION='"$(VERSION)"' -Iinclude
ifeq ($(SAN),1)
  BUILD  := build-san
  OPT    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else
  OPT    ?= -O2 -g
endif
XLSX_CFLAGS := $(shell pkg-config --cflags xlsxwriter 2>/dev/null)
XLSX_LIBS   := $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter)
CFLAGS   ?=
CFLAGS   += $(CFLAGS_BASE) $(OPT) $(XLSX_CFLAGS)
LDFLAGS  ?=
# bp_libs.c's zlib initialisers, where the libraries' calls can bind to them
LDFLAGS  += -Wl,--export-dynamic-symbol=deflateInit_ -Wl,--export-dynamic-symbol=deflateInit2_
LDLIBS   := $(XLSX_LIBS) -lhpdf -lcsv -lz -lm
TEST_LIBS := -lcmocka

SRC      := $(sort $(wildcard src/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/main.o
HDR      := $(wildcard include/*.h src/*.h)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

ifeq ($(SAN),1)
BIN := $(BUILD)/boardpack
else
BIN := boardpack
endif

# Subset fonts (scripts/subset-font.py, Debian fonttools): a fifth of the data to parse and embed per
# document; the WinAnsi fonts (build/fonts/winansi), half of that again for documents whose text
# is all Windows-1252.  The code points are BP_SUBSET_RANGES and BP_WINANSI_RANGES in
# include/bp_pdf.h, the one place each is listed.
DEJAVU   := /usr/share/fonts/truetype/dejavu
RANGES   := $(shell sed -n '/define BP_SUBSET_RANGES/,/[^\\]$$/p' include/bp_pdf.h | grep -o '"[^"]*"' | tr -d '"\n')
WINANSI  := $(shell sed -n '/define BP_WINANSI_RANGES/,/[^\\]$$/p' include/bp_pdf.h | grep -o '"[^"]*"' | tr -d '"\n')
FONTS    := $(BUILD)/fonts/DejaVuSans.ttf $(BUILD)/fonts/DejaVuSans-Bold.ttf \
            $(BUILD)/fonts/winansi/DejaVuSans.ttf $(BUILD)/fonts/winansi/DejaVuSans-Bold.ttf

.PHONY: all deps deps-test report check test unit e2e san clean national bench fuzz fuzz-replay valgrind
all: $(BIN) $(FONTS)

$(BUILD)/fonts/%.ttf: $(DEJAVU)/%.ttf include/bp_pdf.h scripts/subset-font.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/subset-font.py $< '$(RANGES)' $@.tmp 2>/dev/null && mv $@.tmp $@

$(BUILD)/fonts/winansi/%.ttf: $(DEJAVU)/%.ttf include/bp_pdf.h scripts/subset-font.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/subset-font.py $< '$(WINANSI)' $@.tmp 2>/dev/null && mv $@.tmp $@

$(BIN): $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) tests/unit/bp_test.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) $(TEST_LIBS)

# Installs the Debian packages the tool needs (apt-get; sudo when not root).
deps:
	@scripts/install-deps.sh runtime

deps-test:
	@scripts/install-deps.sh test

# The sample outputs for every shipped fixture, into out/.
report: deps
	@$(MAKE) --no-print-directory all
	@scripts/report.sh ./boardpack out

# Builds and runs every test.
check: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@BOARDPACK=./boardpack UNIT_DIR=$(BUILD)/tests tests/run.sh

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
san:
	@$(MAKE) --no-print-directory SAN=1 all $(UNIT_SRC:tests/unit/%.c=build-san/tests/%)
	@BOARDPACK=build-san/boardpack UNIT_DIR=build-san/tests \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run.sh

unit: $(UNIT_BIN)

# libFuzzer harnesses (docs/fuzzing.md): each for FUZZ_SECONDS (default 60).
fuzz:
	@fuzz/run.sh

# The seed corpus and every saved regression through each harness, no fuzzing (CI).
fuzz-replay:
	@fuzz/replay.sh

# Both fixtures built end to end under valgrind: no invalid access, no definite leak.
valgrind: all
	@for fx in pet second-trust; do \
	  out=$$(mktemp -d) && \
	  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    ./boardpack build --data fixtures/$$fx --out $$out >/dev/null || { rm -rf $$out; exit 1; }; \
	  rm -rf $$out; echo "valgrind: fixtures/$$fx clean"; \
	done

# Every multi-academy trust in England as a data set (docs/national-data.md).
NATIONAL_SEED ?= 2021
build/gen_national: tools/gen_national.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 -o $@ $< -lm

national: build/gen_national
	build/gen_national --mats ../shared/data/mats-england-2020-21.csv --out out/national \
	  --seed $(NATIONAL_SEED)

# Benchmarks (docs/performance.md); `make national` first for the batch figures.
build/bench_floor: tools/bench_floor.c src/bp_libs.c src/bp_error.c include/bp_libs.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 $(XLSX_CFLAGS) $(LDFLAGS) -o $@ $< src/bp_libs.c src/bp_error.c $(LDLIBS)

bench: all build/bench_floor
	@scripts/bench.sh ./boardpack out/national

clean:
	rm -rf build build-san boardpack
