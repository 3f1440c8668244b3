# boardpack - see README.md.  The two set-up commands: `make report` and `make check`.
.SUFFIXES:

VERSION  := 0.1.0
ifeq ($(origin CC),default)
  CC     := cc
endif
BUILD    ?= build
SAN      ?=
FUZZ     ?=
CC_FUZZ  ?= clang
CFLAGS_BASE := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
               -D_POSIX_C_SOURCE=200809L -DBP_VERSION='"$(VERSION)"' -Iinclude
# CI (.ci/run sets CI=true): a warning fails the build; a developer's build only shows it
ifeq ($(CI),true)
  CFLAGS_BASE += -Werror
endif
# Each object's header dependencies, written beside it as it compiles (OBJ.d, included
# below): touching a header rebuilds only the objects that include it.  -MP: a deleted
# header is no error, only a reason to rebuild.
DEPFLAGS := -MMD -MP
# Where `make install` puts things (GNU and Debian conventions; DESTDIR for packaging).
# DATADIR is compiled into the binary (src/cli_common.c), so that the installed program
# finds its templates and fonts from any folder.
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/boardpack
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
INSTALL  ?= install
ifeq ($(FUZZ),1)
  # the libFuzzer harnesses' build (fuzz/build.sh): the same archives, instrumented for the
  # fuzzer; override, as it runs inside make fuzz-replay, whose command line may set these
  override BUILD := build/fuzz
  override CC    := $(CC_FUZZ)
  override OPT   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
else ifeq ($(SAN),1)
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
# bp_deflate.c's zlib functions, where the libraries' calls can bind to them.  Nothing of
# ours calls them, and the linker takes an archive member only for a symbol still undefined:
# --undefined makes it take bp_deflate.o from the render archive in every program linked with
# LDFLAGS (the fuzz harnesses too: fuzz_render writes PDFs and workbooks as boardpack does).
LDFLAGS  += -Wl,--undefined=deflateInit_ -Wl,--undefined=deflateInit2_ \
            -Wl,--export-dynamic-symbol=deflateInit_ -Wl,--export-dynamic-symbol=deflateInit2_ \
            -Wl,--export-dynamic-symbol=deflate -Wl,--export-dynamic-symbol=deflateEnd \
            -Wl,--export-dynamic-symbol=crc32
# bp_xlsx_xml.c's copies of libxlsxwriter's XML writer functions, likewise
LXW_XML  := lxw_xml_start_tag lxw_xml_start_tag_unencoded lxw_xml_end_tag lxw_xml_empty_tag \
            lxw_xml_empty_tag_unencoded lxw_xml_data_element lxw_new_attribute_str \
            lxw_new_attribute_int lxw_rowcol_to_cell
LDFLAGS  += -Wl,--undefined=lxw_xml_start_tag $(LXW_XML:%=-Wl,--export-dynamic-symbol=%)
# bp_xlsx_sst.c's shared string table, likewise
LXW_SST  := lxw_get_sst_index lxw_sst_free
LDFLAGS  += -Wl,--undefined=lxw_get_sst_index $(LXW_SST:%=-Wl,--export-dynamic-symbol=%)
# bp_xlsx_sheet.c's cell writers and the worksheet functions that write and free the cells,
# likewise
LXW_SHEET := worksheet_write_number worksheet_write_string worksheet_write_formula_num \
             worksheet_write_formula_str worksheet_write_blank worksheet_write_datetime \
             lxw_worksheet_find_row lxw_worksheet_find_cell_in_row \
             lxw_worksheet_assemble_xml_file lxw_worksheet_free
LDFLAGS  += -Wl,--undefined=lxw_worksheet_assemble_xml_file \
            $(LXW_SHEET:%=-Wl,--export-dynamic-symbol=%)
# bp_xlsx_printf.c's snprintf and __fprintf_chk (libxlsxwriter's cells), likewise
LDFLAGS  += -Wl,--undefined=__fprintf_chk -Wl,--export-dynamic-symbol=snprintf \
            -Wl,--export-dynamic-symbol=__fprintf_chk
# Every library function the executable defines in the library's place (above, and
# bp_libs.c's libharu byte loops, memory-stream writer, allocator and list, which the linker exports
# itself): `make layers` counts a call to one as a call to that library
INTERPOSED := deflateInit_ deflateInit2_ deflate deflateEnd crc32 $(LXW_XML) $(LXW_SST) $(LXW_SHEET) snprintf \
              __fprintf_chk HPDF_MemCpy HPDF_MemSet HPDF_StrLen HPDF_StrCpy \
              HPDF_MemStream_WriteFunc HPDF_GetMem HPDF_FreeMem HPDF_List_Add
# libdeflate (bp_deflate) linked statically: the bytes it writes are those of the version
# built in, whatever the machine it runs on has installed
LDLIBS   := $(XLSX_LIBS) -lhpdf -lcsv -l:libdeflate.a -lz -lm
TEST_LIBS := -lcmocka

# The layers, data-flow order, each module in exactly one (its includes decide):
# core   - everything that reads, models and decides; no renderer, no libharu, zlib or
#          libxlsxwriter: bp_util (small helpers), bp_error (the error type), bp_excel (what a
#          spreadsheet holds), bp_infile, bp_csv (libcsv), bp_sha256, bp_money, bp_num,
#          bp_model, bp_script (what the shipped fonts draw, right-to-left scripts), bp_load,
#          bp_settings (the .kpi/.pack reader), bp_expr, bp_kpi, bp_eval, bp_suppress (build
#          --publish: small counts withheld from the results), bp_exgroup (the
#          exceptions one entry per KPI and entity, for the packs), bp_session (a data
#          set to results), bp_pack (the pack templates: which papers and sections - a
#          settings file, read like a .kpi file; drawing them is bp_packpdf's).
# render - results into files people and machines read: bp_format (the figures and
#          sentences every renderer shares), bp_text, bp_json, bp_outfile (all-or-nothing
#          output sets), bp_manifest (an output set's inputs and outputs), bp_libs
#          (libharu's object layer), bp_deflate (the one deflate seam: zlib's functions
#          interposed, libdeflate), bp_pdf (the page layer: the
#          document; its parts in bp_pdf_state, _fonts, _text, _draw, _page, _elements, _nav,
#          _block, _table, _tags (the tagged PDF), _objstm (object streams) and bp_chart, sharing src/bp_pdf_internal.h), bp_packpdf_common,
#          bp_packpdf_dataq (the data problems in words, for the summary, sections, appendix),
#          bp_packpdf_charts (the packs' charts and their captions),
#          bp_packpdf_summary, bp_packpdf_score, bp_packpdf_finance, bp_packpdf_inyear (the
#          management accounts, cash flow and balance sheet), bp_packpdf_plan, bp_packpdf, bp_formula (KPI expressions as the
#          workbook's formulas), bp_xlsx (the workbook; libxlsxwriter's XML writer in
#          bp_xlsx_xml, its shared strings in bp_xlsx_sst, its cells kept and written in bp_xlsx_sheet, libc's printf for its cells in bp_xlsx_printf, its sheets in bp_xlsx_cells, _sums,
#          _layout, _kpis, _inputs, _statements, _lines, _balance, _cashflow, _mgmt, _checks and _quality, sharing
#          src/bp_xlsx_internal.h), bp_build.
# cli    - the command line (cli*.c, main.c): only the boardpack binary.
# Each layer is an archive (build/libbpcore.a, build/libbprender.a) that the binary, every
# unit test and every fuzz harness link; `make layers` (run by check) fails when a core
# object refers to a render or cli symbol or a render object to a cli one, a core file
# includes a render header or a render file a cli one, or the objects of one layer (an
# archive, or the cli's) refer to each other in a cycle.
CORE_MOD   := util error excel infile csv sha256 money num model totals cashflow balance script mapping ledger jsonin load_fields load_plan load settings expr kpi eval inyear suppress exgroup \
              session previous pack
RENDER_MOD := format text json outfile manifest libs deflate pdf_state pdf_fonts pdf_text pdf_draw pdf_page \
              pdf_elements pdf_nav pdf_block pdf_table pdf_tags pdf_objstm pdf chart packpdf_common packpdf_dataq packpdf_charts packpdf_summary packpdf_score packpdf_finance \
              packpdf_inyear packpdf_plan packpdf formula xlsx_xml xlsx_sst xlsx_sheet xlsx_printf xlsx_cells xlsx_received xlsx_sums xlsx_layout xlsx_kpis xlsx_inputs \
              xlsx_statements xlsx_lines xlsx_balance xlsx_cashflow xlsx_mgmt xlsx_checks xlsx_quality xlsx build
CORE_SRC   := $(CORE_MOD:%=src/bp_%.c)
RENDER_SRC := $(RENDER_MOD:%=src/bp_%.c)
CLI_SRC    := $(sort $(wildcard src/cli*.c)) src/main.c
SRC        := $(sort $(wildcard src/*.c))
ifneq ($(filter-out $(CORE_SRC) $(RENDER_SRC) $(CLI_SRC),$(SRC)),)
  $(error $(filter-out $(CORE_SRC) $(RENDER_SRC) $(CLI_SRC),$(SRC)) in no layer: add it to CORE_MOD or RENDER_MOD in the Makefile)
endif
ifneq ($(filter-out $(SRC),$(CORE_SRC) $(RENDER_SRC)),)
  $(error CORE_MOD or RENDER_MOD names $(filter-out $(SRC),$(CORE_SRC) $(RENDER_SRC)), which does not exist)
endif
CORE_OBJ   := $(CORE_SRC:src/%.c=$(BUILD)/obj/%.o)
RENDER_OBJ := $(RENDER_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
CORE_LIB   := $(BUILD)/libbpcore.a
RENDER_LIB := $(BUILD)/libbprender.a
# what every program links, the higher layer first (an archive only resolves what
# precedes it)
LIBS_BP    := $(RENDER_LIB) $(CORE_LIB)
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
# The fallback font (scripts/fallback-font.py, from Debian's fonts-wqy-microhei): the CJK
# characters DejaVu lacks, for the documents that hold some.  What the fonts draw is compiled
# into the core (scripts/font-coverage.py: $(BUILD)/gen/font_coverage.inc, for src/bp_script.c),
# which warns of text that would print as empty boxes.
FALLBACK_TTC := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
FALLBACK := $(BUILD)/fonts/fallback/WenQuanYiMicroHei.ttf
COVERAGE := $(BUILD)/gen/font_coverage.inc
FONTS    := $(BUILD)/fonts/DejaVuSans.ttf $(BUILD)/fonts/DejaVuSans-Bold.ttf \
            $(BUILD)/fonts/winansi/DejaVuSans.ttf $(BUILD)/fonts/winansi/DejaVuSans-Bold.ttf \
            $(FALLBACK)

.PHONY: all deps deps-test deps-lint deps-bench report check test unit e2e san clean national bench fuzz \
        fuzz-replay valgrind layers install uninstall lint FORCE
all: $(BIN) $(FONTS)

$(BUILD)/fonts/%.ttf: $(DEJAVU)/%.ttf include/bp_pdf.h scripts/subset-font.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/subset-font.py $< '$(RANGES)' $@.tmp 2>/dev/null && mv $@.tmp $@

$(BUILD)/fonts/winansi/%.ttf: $(DEJAVU)/%.ttf include/bp_pdf.h scripts/subset-font.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/subset-font.py $< '$(WINANSI)' $@.tmp 2>/dev/null && mv $@.tmp $@

$(FALLBACK): $(FALLBACK_TTC) $(DEJAVU)/DejaVuSans.ttf $(DEJAVU)/DejaVuSans-Bold.ttf \
             scripts/fallback-font.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/fallback-font.py $< 0 $@.tmp $(DEJAVU)/DejaVuSans.ttf \
	  $(DEJAVU)/DejaVuSans-Bold.ttf 2>/dev/null && mv $@.tmp $@

$(COVERAGE): $(FALLBACK) $(DEJAVU)/DejaVuSans.ttf $(DEJAVU)/DejaVuSans-Bold.ttf \
             scripts/font-coverage.py
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/font-coverage.py $@.tmp $< $(DEJAVU)/DejaVuSans.ttf \
	  $(DEJAVU)/DejaVuSans-Bold.ttf && mv $@.tmp $@

$(BUILD)/obj/bp_script.o: $(COVERAGE)
$(BUILD)/obj/bp_script.o: CFLAGS += -I$(BUILD)/gen

# The compiled-in datadir, a header rewritten only when DATADIR changes: `make install
# PREFIX=/usr` after a plain `make` rebuilds the one object that uses it.
ifneq ($(words $(DATADIR)) $(filter /%,$(DATADIR)),1 $(DATADIR))
  $(error DATADIR '$(DATADIR)' must be an absolute path without spaces)
endif
ifneq ($(findstring ",$(DATADIR))$(findstring ',$(DATADIR))$(findstring \,$(DATADIR)),)
  $(error DATADIR '$(DATADIR)' must not hold quotes or backslashes)
endif
DATADIR_H := $(BUILD)/gen/bp_datadir.h
$(DATADIR_H): FORCE
	@mkdir -p $(@D)
	@printf '/* generated by the Makefile: DATADIR */\n#define BP_DATADIR "%s"\n' '$(DATADIR)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:

$(BUILD)/obj/cli_common.o: $(DATADIR_H)
$(BUILD)/obj/cli_common.o: CFLAGS += -I$(BUILD)/gen

$(BIN): $(CLI_OBJ) $(LIBS_BP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBS_BP) $(LDLIBS)

# OBJ.d as a prerequisite, named by a rule of its own with no recipe (so that make never
# takes it for an intermediate file): an object compiled before it had its .d (or whose
# .d was removed) is rebuilt once, and has one from then on.
OBJ_DEP := $(CORE_OBJ:.o=.d) $(RENDER_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
$(BUILD)/obj/%.o: src/%.c $(BUILD)/obj/%.d
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(OBJ_DEP):

# rebuilt from scratch: a module moved to the other layer must leave this one
$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(RENDER_LIB): $(RENDER_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(LIBS_BP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBS_BP) $(LDLIBS) $(TEST_LIBS)

# A libFuzzer harness (make FUZZ=1 build/fuzz/fuzz_NAME, as fuzz/build.sh does): the
# archives and libFuzzer's main.  fuzz_render draws PDFs: the subset fonts beside it.
ifeq ($(FUZZ),1)
$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(LIBS_BP)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBS_BP) $(LDLIBS)
$(BUILD)/fuzz_render: $(FONTS)
endif

# The layer boundary, from the archives' symbol tables (scripts/check-layers.sh).
layers: $(LIBS_BP) $(CLI_OBJ)
	@CORE_MOD="$(CORE_MOD)" RENDER_MOD="$(RENDER_MOD)" INTERPOSED="$(INTERPOSED)" \
	  scripts/check-layers.sh $(CORE_LIB) $(RENDER_LIB) $(CLI_OBJ)

# Installs the Debian packages the tool needs (apt-get; sudo when not root).
deps:
	@scripts/install-deps.sh runtime

deps-test:
	@scripts/install-deps.sh test
	@$(MAKE) --no-print-directory $(PDFJS)

# pdf.js (npm pdfjs-dist) for tests/e2e/pdfjs.sh, at the version package-lock.json pins,
# into tests/e2e/pdfjs/node_modules (not in git); again whenever the pin changes.  Its
# optional canvas (rendering, a native build) is left out: the test only reads structure
# and text.
PDFJS := tests/e2e/pdfjs/node_modules/.package-lock.json
$(PDFJS): tests/e2e/pdfjs/package.json tests/e2e/pdfjs/package-lock.json
	cd tests/e2e/pdfjs && npm ci --omit=optional --no-audit --no-fund --loglevel=error
	@touch $@

deps-lint:
	@scripts/install-deps.sh lint

# Static analysis (Debian's cppcheck) of every C file of ours, in the one configuration the
# compiler builds: CFLAGS_BASE's -D, and libharu's and zlib's versions as the compiler
# finds them in the installed headers (bp_libs.c checks them with #error), system headers
# themselves left out.  Clean means no finding at all; an inline suppression
# (cppcheck-suppress ID ; REASON) says why the finding is wrong.
LINT_VERSION = $(shell printf '\043include <%s>\n%s\n' $(1) $(2) | $(CC) -E -P -x c - 2>/dev/null | tail -n 1)
lint: deps-lint $(COVERAGE) $(DATADIR_H)
	@mkdir -p $(BUILD)/cppcheck
	cppcheck --std=c11 --enable=warning,style,performance,portability --error-exitcode=1 \
	  --inline-suppr --suppress=missingIncludeSystem -q --cppcheck-build-dir=$(BUILD)/cppcheck \
	  -D_POSIX_C_SOURCE=200809L -DBP_VERSION='"$(VERSION)"' \
	  -DHPDF_VERSION_ID=$(call LINT_VERSION,hpdf_version.h,HPDF_VERSION_ID) \
	  -DZLIB_VERNUM=$(call LINT_VERSION,zlib.h,ZLIB_VERNUM) \
	  -DLXW_VERSION_ID=$(call LINT_VERSION,xlsxwriter.h,LXW_VERSION_ID) \
	  -Iinclude -Isrc -I$(BUILD)/gen -Itests/unit src tests/unit fuzz tools

# The sample outputs for every shipped fixture, into out/.
report: deps
	@$(MAKE) --no-print-directory all
	@scripts/report.sh ./boardpack out

# Builds and runs every test.
check: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN) layers
	@BOARDPACK=./boardpack UNIT_DIR=$(BUILD)/tests tests/run.sh

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
san:
	@$(MAKE) --no-print-directory SAN=1 all $(UNIT_SRC:tests/unit/%.c=build-san/tests/%) layers
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
build/gen_national: tools/gen_national.c tools/gen_national_mats.c tools/gen_national.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 -o $@ $(filter %.c,$^) -lm

national: build/gen_national
	build/gen_national --mats ../shared/data/mats-england-2020-21.csv --out out/national \
	  --seed $(NATIONAL_SEED)

# Benchmarks (docs/performance.md); `make national` first for the batch figures.
build/bench_floor: tools/bench_floor.c $(LIBS_BP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 $(XLSX_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS_BP) $(LDLIBS)

# The deflate-and-write floor of the national batch (make bench's (b')): libdeflate linked
# statically as boardpack links it, so that it writes the same bytes; bp_deflate.h's settings.
build/bench_deflate_floor: tools/bench_deflate_floor.c include/bp_deflate.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 -o $@ $< -l:libdeflate.a -lz

deps-bench:
	@scripts/install-deps.sh bench

bench: deps-bench
	@$(MAKE) --no-print-directory all build/bench_floor build/bench_deflate_floor
	@scripts/bench.sh ./boardpack out/national

# The program, its shipped data and its manual, under DESTDIR$(PREFIX):
#   BINDIR/boardpack
#   DATADIR/templates/...   every file under templates/ (KPI sets, pack definitions, ...)
#   DATADIR/fonts/...       the prepared fonts, as under $(BUILD)/fonts (BOARDPACK_FONTS)
#   MANDIR/man1/boardpack.1  man/boardpack.1, with this DATADIR for the default one
# `make uninstall` (with the same PREFIX and DESTDIR) removes exactly these files, then
# the folders under DATADIR that are left empty; BINDIR and MANDIR/man1 are not ours.
INST_TEMPLATES := $(sort $(wildcard templates/*/*))
INST_FONTS     := $(FONTS:$(BUILD)/%=%)
INST_DIRS      := $(sort $(dir $(INST_TEMPLATES) $(INST_FONTS)))
INST_FILES     := $(DESTDIR)$(BINDIR)/boardpack $(DESTDIR)$(MANDIR)/man1/boardpack.1 \
                  $(INST_TEMPLATES:%=$(DESTDIR)$(DATADIR)/%) $(INST_FONTS:%=$(DESTDIR)$(DATADIR)/%)

# a newline, so that a $(foreach) in a recipe gives one command line per item
define NL


endef

install: all man/boardpack.1
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(INST_DIRS:%=$(DESTDIR)$(DATADIR)/%)
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/boardpack
	sed 's|/usr/local/share/boardpack|$(DATADIR)|g' man/boardpack.1 >$(BUILD)/boardpack.1
	$(INSTALL) -m 644 $(BUILD)/boardpack.1 $(DESTDIR)$(MANDIR)/man1/boardpack.1
	$(foreach f,$(INST_TEMPLATES),$(INSTALL) -m 644 $(f) $(DESTDIR)$(DATADIR)/$(f)$(NL))
	$(foreach f,$(INST_FONTS),$(INSTALL) -m 644 $(BUILD)/$(f) $(DESTDIR)$(DATADIR)/$(f)$(NL))

uninstall:
	rm -f $(INST_FILES)
	@for d in $$(printf '%s\n' $(INST_DIRS) templates/ fonts/ | LC_ALL=C sort -ru) ''; do \
	  d=$(DESTDIR)$(DATADIR)/$$d; \
	  if [ -d "$$d" ]; then rmdir --ignore-fail-on-non-empty "$$d"; fi; \
	done

clean:
	rm -rf build build-san boardpack

# Objects' header dependencies (DEPFLAGS), last so that their rules never become the
# default goal.
include $(wildcard $(OBJ_DEP) $(UNIT_BIN:=.d) $(BUILD)/fuzz_*.d)
