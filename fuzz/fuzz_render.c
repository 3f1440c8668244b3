/* libFuzzer harness: the writers under hostile text and numbers.  A small data set (the
 * hand-worked trust with two actions, ambitions, priorities, a paper, commentary and
 * courses added) is loaded once; each input then overwrites some of its text - names,
 * titles, commentary, actions, papers, KPI names and descriptions, a pack's and its
 * sections' titles, a warning - with bytes of its own (invalid UTF-8, controls, markup,
 * strings past Excel's 32,767 characters) and some of its numbers and dates, evaluates,
 * and writes the results JSON, the check text, one board pack (sections chosen by the
 * input, for the trust or one local governing body) and, when asked, the workbook.
 *
 * Oracle: every output is valid (fuzz_valid.h: strict JSON; text with nothing a
 * terminal obeys; the PDF's structure, streams and text strings; the workbook's zip and
 * every XML part) or the writer refused it cleanly - BP_ERR_RENDER with an error
 * diagnostic and nothing written.  When the text is what loading lets through (the
 * input's "legal" flag: UTF-8, no control characters or noncharacters, a TAB a space, a
 * KPI or pack line one line of at most 1,000 bytes), the PDF must be written, the
 * workbook may refuse only at a documented limit (never an "internal error"), and no
 * output may hold U+FFFD: legal text here holds none, so one is text a writer cut
 * inside a character or otherwise altered.
 *
 * Input: byte 0 flags (1 legal text, 2 write the workbook, 4 an LGB pack, 8 add a
 * warning); bytes 1-3 the pack's sections (bit k: section kind k, in kind order);
 * byte 4 which LGB; then records, each a tag byte t and its operands:
 *   t&3 0 or 1: text - slot (2 bytes), length (1 byte; 2 when t&4), the bytes; when
 *               t&8 one more byte r repeats them (r+1)*64 times (an input's repeats
 *               make at most 40,000 bytes in all)
 *   t&3 2:      a number - t&16: a course figure, else a fact (index, 2 bytes); its
 *               value in 1, 2, 4 or 8 bytes (t>>2 & 3), within what loading accepts
 *   t&3 3:      a date - t>>2 & 3: the as-of date, an action's due or updated date, the
 *               paper's meeting date; an index byte, then 3 bytes of days from 1900-01-01
 * Slots number the text fields in a fixed order (make_slots); an index wraps around.
 *
 * FUZZ_RENDER_OUT=DIR saves every output written, named by the first 16 hex digits of
 * the input's SHA-256, for fuzz/check-outputs.py (qpdf, openpyxl) after a replay;
 * FUZZ_RENDER_VERBOSE=1 prints every refusal's diagnostics. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bp_build.h"
#include "bp_json.h"
#include "bp_libs.h"
#include "bp_packpdf.h"
#include "bp_session.h"
#include "bp_sha256.h"
#include "bp_text.h"
#include "bp_xlsx.h"

#include "fuzz_common.h"
#include "fuzz_valid.h"

/* What the hand-worked trust lacks, so that every section has something to draw (the
 * commentary is on two of its exceptions, so that it is drawn). */
static const char *const extra[][2] = {
    {"ambitions.csv", "id,title,summary\n"
                      "learning,Learning,Every pupil makes strong progress.\n"
                      "people,People,We recruit and keep good staff.\n"},
    {"actions.csv", "id,institution,ambition,plan,action,owner,due,status,updated,evidence\n"
                    "A1,P1,learning,Reading,Phonics training for every teacher,Head of P1,"
                    "2023-07-14,complete,2023-07-10,Training log\n"
                    "A2,S1,people,Staffing,Review the staffing structure,Head of S1,2023-03-31,"
                    "at_risk,2023-11-01,Draft structure\n"},
    {"priorities.csv", "institution,id,title,ambitions\n"
                       "P1,P1-1,Raise reading standards,learning\n"
                       "S1,S1-1,Improve staff retention,people;learning\n"},
    {"papers.csv", "pack,meeting,reference,classification,author,purpose,recommendation\n"
                   "board,2023-12-12,F 1,Confidential,The Clerk,To report the KPIs.,To note the report.\n"},
    {"commentary.csv", "kpi,entity,year,text\n"
                       "staff_cost_pct,P2,2022/23,Staff costs rose.\n"
                       "non_esfa_income_pct,trust,2022/23,Lettings income fell.\n"},
    {"courses.csv", "institution,year,course,students,income,direct_costs,minority\n"
                    "S1,2022/23,A level Mathematics,30,50000.00,20000.00,no\n"
                    "S1,2022/23,A level Latin,4,6000.00,5000.00,yes\n"},
};
static const char *const copied[] = {
    "trust.csv", "institutions.csv", "finance.csv", "staff.csv", "students.csv",
    "governance.csv", "national.csv",
};
#define NEXTRA (sizeof extra / sizeof *extra)
#define NCOPIED (sizeof copied / sizeof *copied)

static char dir[256], data_dir[300], xlsx_path[300];
static const char *out_dir, *fonts_dir;
static bool verbose;
static bp_session base;
static size_t base_count, base_errors;   /* diagnostics before evaluation */

/* A text field: free text of a CSV file, or one line of a KPI file or pack template. */
typedef enum { T_FREE, T_LINE } slot_kind;
typedef struct {
    char **where;
    char *orig;
    slot_kind kind;
    bool set;
} slot;
static slot *slots;
static size_t nslots, capslots;

/* Numbers and dates as loaded, restored after every input. */
static int64_t *fact0;
static bp_course *course0;
static bp_action *action0;
static bp_paper *paper0;
static int32_t as_of0;

/* The pack the input assembles, and the warning it may add. */
static bp_pack pack;
static bp_section sections[BP_SEC_KIND_COUNT];
static char *section_title[BP_SEC_KIND_COUNT];
static char *warn_file, *warn_msg;

static void add_slot(char **where, slot_kind kind)
{
    if (nslots == capslots) {
        capslots = capslots ? capslots * 2 : 256;
        slots = realloc(slots, capslots * sizeof *slots);
        if (!slots) abort();
    }
    slots[nslots++] = (slot){where, *where, kind, false};
}

static void make_slots(void)
{
    bp_model *m = &base.model;
    add_slot(&m->name, T_FREE);
    for (size_t i = 0; i < m->ninsts; i++) add_slot(&m->insts[i].name, T_FREE);
    for (size_t i = 0; i < m->nactions; i++) {
        add_slot(&m->actions[i].plan, T_FREE);
        add_slot(&m->actions[i].action, T_FREE);
        add_slot(&m->actions[i].owner, T_FREE);
        add_slot(&m->actions[i].evidence, T_FREE);
    }
    for (size_t i = 0; i < m->nambitions; i++) {
        add_slot(&m->ambitions[i].title, T_FREE);
        add_slot(&m->ambitions[i].summary, T_FREE);
    }
    for (size_t i = 0; i < m->npriorities; i++) add_slot(&m->priorities[i].title, T_FREE);
    for (size_t i = 0; i < m->npapers; i++) {
        bp_paper *p = &m->papers[i];
        add_slot(&p->meeting, T_FREE);
        add_slot(&p->reference, T_FREE);
        add_slot(&p->classification, T_FREE);
        add_slot(&p->author, T_FREE);
        add_slot(&p->purpose, T_FREE);
        add_slot(&p->recommendation, T_FREE);
    }
    for (size_t i = 0; i < m->ncomments; i++) add_slot(&m->comments[i].text, T_FREE);
    for (size_t i = 0; i < m->ncourses; i++) add_slot(&m->courses[i].course, T_FREE);
    add_slot(&pack.title, T_LINE);
    add_slot(&pack.audience, T_LINE);
    for (size_t i = 0; i < BP_SEC_KIND_COUNT; i++) add_slot(&section_title[i], T_LINE);
    add_slot(&warn_file, T_LINE);
    add_slot(&warn_msg, T_FREE);
    for (size_t i = 0; i < base.kpis.count; i++) {
        bp_kpi *k = &base.kpis.kpis[i];
        add_slot(&k->name, T_LINE);
        add_slot(&k->section, T_LINE);
        add_slot(&k->description, T_LINE);
        add_slot(&k->expr_text, T_LINE);
        for (size_t j = 0; j < k->nmeasures; j++) add_slot(&k->measures[j].name, T_LINE);
        for (size_t j = 0; j < k->ngrades; j++) add_slot(&k->grades[j].label, T_LINE);
        for (size_t j = 0; j < k->ntargets; j++) add_slot(&k->targets[j].text, T_LINE);
    }
}

/* The data set's files: read once, at the start. */
static void remove_data(void)
{
    char path[512];
    for (size_t i = 0; i < NCOPIED; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, copied[i]);
        unlink(path);
    }
    for (size_t i = 0; i < NEXTRA; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, extra[i][0]);
        unlink(path);
    }
    rmdir(data_dir);
}

static void cleanup(void)
{
    unlink(xlsx_path);
    rmdir(dir);
    bp_session_close(&base);
    free(slots);
    free(fact0);
    free(course0);
    free(action0);
    free(paper0);
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0)
        if ((len += k) == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) abort();
            buf = grown;
        }
    fclose(f);
    if (!buf) abort();
    *n = len;
    return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *shm = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/bp-fuzz-render-XXXXXX", shm);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    snprintf(xlsx_path, sizeof xlsx_path, "%s/w.xlsx", dir);
    if (mkdir(data_dir, 0700) != 0) abort();
    const char *fixture = getenv("BP_FUZZ_FIXTURE");
    if (!fixture) fixture = "tests/fixtures/handworked";
    char path[4400];
    for (size_t i = 0; i < NCOPIED; i++) {
        snprintf(path, sizeof path, "%s/%s", fixture, copied[i]);
        size_t n;
        char *text = read_file(path, &n);
        if (!text) {
            fprintf(stderr, "fuzz_render: cannot read %s (run from the repository root)\n", path);
            abort();
        }
        snprintf(path, sizeof path, "%s/%s", data_dir, copied[i]);
        write_file(path, text, n);
        free(text);
    }
    for (size_t i = 0; i < NEXTRA; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, extra[i][0]);
        write_file(path, extra[i][1], strlen(extra[i][1]));
    }
    /* bp_session_open without the evaluation, which every input does again */
    memset(&base, 0, sizeof base);
    bp_model_init(&base.model);
    bp_kpiset_init(&base.kpis);
    bp_diags_init(&base.diags);
    char templates[4200], cwd[4096];
    const char *env = getenv("BOARDPACK_TEMPLATES");
    if (env && *env) snprintf(templates, sizeof templates, "%s", env);
    else if (getcwd(cwd, sizeof cwd)) snprintf(templates, sizeof templates, "%s/templates", cwd);
    snprintf(path, sizeof path, "%s/kpis/default.kpi", templates);
    if (bp_load_dataset(data_dir, &base.model, &base.diags) != BP_OK
        || bp_kpi_load_file(path, "templates/kpis/default.kpi", &base.kpis, &base.diags) != BP_OK
        || bp_kpi_validate(&base.kpis, &base.model, NULL, &base.diags) != BP_OK
        || bp_libs_check(&base.diags) != BP_OK) {
        bp_text_diags(stderr, &base.diags);
        fprintf(stderr, "fuzz_render: the data set does not load (run from the repository root)\n");
        remove_data();
        abort();
    }
    /* gone before the first input: a crash, which skips atexit, leaves only an empty
     * folder behind (and the workbook if it crashed while checking it) */
    remove_data();
    base.year = base.model.report_year;
    base_count = base.diags.count;
    base_errors = base.diags.errors;

    pack.id = "board";
    pack.title = "Fuzz committee";
    pack.audience = "Fuzzers";
    pack.sections = sections;
    make_slots();

    bp_model *m = &base.model;
    fact0 = malloc((m->nfacts + 1) * sizeof *fact0);
    course0 = malloc((m->ncourses + 1) * sizeof *course0);
    action0 = malloc((m->nactions + 1) * sizeof *action0);
    paper0 = malloc((m->npapers + 1) * sizeof *paper0);
    if (!fact0 || !course0 || !action0 || !paper0) abort();
    for (size_t i = 0; i < m->nfacts; i++) fact0[i] = m->facts[i].value;
    memcpy(course0, m->courses, m->ncourses * sizeof *course0);
    memcpy(action0, m->actions, m->nactions * sizeof *action0);
    memcpy(paper0, m->papers, m->npapers * sizeof *paper0);
    as_of0 = m->as_of;

    out_dir = getenv("FUZZ_RENDER_OUT");
    if (out_dir && !*out_dir) out_dir = NULL;
    fonts_dir = getenv("BOARDPACK_FONTS");
    verbose = getenv("FUZZ_RENDER_VERBOSE") != NULL;
    atexit(cleanup);
    return 0;
}

/* ---- the input ---- */

typedef struct {
    const uint8_t *p;
    size_t n, i;
} reader;

/* The next k bytes as a little-endian number; missing bytes are 0 (r->i stops at the end). */
static uint64_t take(reader *r, int k)
{
    uint64_t v = 0;
    for (int b = 0; b < k && r->i < r->n; b++) v |= (uint64_t)r->p[r->i++] << (8 * b);
    return v;
}

/* The input's bytes as the text of a field: as they are, or as loading would let them
 * through (legal): what is not UTF-8, a NUL, a control character or a noncharacter
 * becomes '?', a TAB a space; a line of a KPI or pack file is one line of at most
 * 1,000 bytes; text that is empty or only spaces (a required field refuses it) is "x".
 * Legal text also holds no U+FFFD and nothing beyond U+FFFF (which the PDF layer draws
 * as U+FFFD: libharu's fonts end there), so that a U+FFFD in any output is text a
 * writer cut inside a character or otherwise altered. */
static char *make_text(const uint8_t *p, size_t len, size_t reps, bool legal, slot_kind kind)
{
    char *s = malloc(len * reps * 3 + 2);
    size_t o = 0;
    if (!s) abort();
    for (size_t r = 0; r < reps; r++) {
        if (!legal) {
            memcpy(s + o, p, len);
            o += len;
            continue;
        }
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            size_t k = p[i] ? fv_utf8(p + i, len - i, &cp) : 0;
            bool refused = !k || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
                        || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF
                        || cp == 0xFFFD || cp > 0xFFFF;
            if (refused) s[o++] = '?';
            else if (cp == '\t' || (kind == T_LINE && (cp == '\n' || cp == '\r'))) s[o++] = ' ';
            else {
                memcpy(s + o, p + i, k);
                o += k;
            }
            i += k ? k : 1;
        }
    }
    s[o] = '\0';
    if (legal && kind == T_LINE && o > 1000) {
        o = 1000;
        while (o && ((unsigned char)s[o] & 0xC0) == 0x80) o--;
        s[o] = '\0';
    }
    if (legal && strspn(s, " ") == strlen(s)) strcpy(s, "x");
    return s;
}

/* Text bytes an input may still make by repeating: enough to pass Excel's 32,767
 * characters, not so many that long inputs slow the fuzzer down (under the sanitizers a
 * 70,000-byte name takes seconds to lay out in every table it is in). */
static size_t budget;
#define TEXT_BUDGET 40000

static void set_text(reader *r, unsigned t, bool legal)
{
    size_t k = (size_t)take(r, 2) % nslots;
    size_t len = (size_t)take(r, t & 4 ? 2 : 1);
    if (len > r->n - r->i) len = r->n - r->i;
    const uint8_t *p = r->p + r->i;
    r->i += len;
    size_t reps = 1;
    if (t & 8) {
        reps = (size_t)(take(r, 1) + 1) * 64;
        if (len && len * reps > budget) reps = (budget / len) ? budget / len : 1;
        if (len) budget -= len * reps < budget ? len * reps : budget;
    }
    slot *s = &slots[k];
    if (s->set) free(*s->where);
    *s->where = make_text(p, len, reps, legal, s->kind);
    s->set = true;
}

/* Codes that count things, which loading holds to 0 or more (bp_load's is_count_code). */
static bool count_code(const char *code)
{
    static const char *const heads[] = {"students", "staff", "gov", "classes", "timetable", "survey"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (bp_code_under(code, heads[i])) return true;
    return false;
}

static int64_t take_signed(reader *r, int width)
{
    uint64_t u = take(r, width);
    int shift = 64 - 8 * width;
    return shift ? (int64_t)(u << shift) >> shift : (int64_t)u;
}

/* Money up to £90,000,000,000,000.00 (in pence), other numbers up to 9,000,000,000,000
 * (in millionths): what loading accepts. */
#define MONEY_MAX 9000000000000000LL
#define QUANTITY_MAX 9000000000000000000LL

static int64_t nonneg(int64_t v) { return v < 0 ? -v : v; }

static void set_number(reader *r, unsigned t)
{
    bp_model *m = &base.model;
    size_t k = (size_t)take(r, 2);
    static const int widths[] = {1, 2, 4, 8};
    int64_t v = take_signed(r, widths[(t >> 2) & 3]);
    if (t & 16) {
        if (!m->ncourses) return;
        bp_course *c = &m->courses[k % m->ncourses];
        int64_t *f[] = {&c->students, &c->income, &c->direct_costs};
        int which = (int)(k / m->ncourses % 3);
        *f[which] = nonneg(v % (which ? MONEY_MAX : QUANTITY_MAX / 1000000));
        return;
    }
    if (!m->nfacts) return;
    bp_fact *f = &m->facts[k % m->nfacts];
    v %= f->money ? MONEY_MAX : QUANTITY_MAX;
    if (!f->money && count_code(f->code)) v = nonneg(v);
    if (bp_code_under(f->code, "inspection.grade")) v = (1 + (int64_t)((uint64_t)v % 4)) * 1000000;
    f->value = v;
}

static void set_date(reader *r, unsigned t)
{
    bp_model *m = &base.model;
    size_t k = (size_t)take(r, 1);
    int32_t lo = bp_date_from_ymd(1900, 1, 1), hi = bp_date_from_ymd(2999, 12, 31);
    int32_t d = lo + (int32_t)(take(r, 3) % (uint64_t)(hi - lo + 1));
    switch ((t >> 2) & 3) {
    case 0: m->as_of = d; break;
    case 1: if (m->nactions) m->actions[k % m->nactions].due = d; break;
    case 2:
        if (m->nactions) {
            m->actions[k % m->nactions].updated = d;
            m->actions[k % m->nactions].has_updated = true;
        }
        break;
    default:
        if (m->npapers) {
            m->papers[k % m->npapers].meeting_date = d;
            m->papers[k % m->npapers].has_meeting_date = true;
        }
    }
}

static void restore(void)
{
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].set) {
            free(*slots[i].where);
            *slots[i].where = slots[i].orig;
            slots[i].set = false;
        }
    bp_model *m = &base.model;
    for (size_t i = 0; i < m->nfacts; i++) m->facts[i].value = fact0[i];
    for (size_t i = 0; i < m->ncourses; i++) {
        m->courses[i].students = course0[i].students;
        m->courses[i].income = course0[i].income;
        m->courses[i].direct_costs = course0[i].direct_costs;
    }
    for (size_t i = 0; i < m->nactions; i++) {
        m->actions[i].due = action0[i].due;
        m->actions[i].updated = action0[i].updated;
        m->actions[i].has_updated = action0[i].has_updated;
    }
    for (size_t i = 0; i < m->npapers; i++) {
        m->papers[i].meeting_date = paper0[i].meeting_date;
        m->papers[i].has_meeting_date = paper0[i].has_meeting_date;
    }
    m->as_of = as_of0;
    while (base.diags.count > base_count) {
        bp_diag *d = &base.diags.items[--base.diags.count];
        free(d->file);
        free(d->message);
    }
    base.diags.errors = base_errors;
    if (base.evaluated) bp_results_free(&base.results);
    base.evaluated = false;
}

/* ---- the outputs ---- */

static char input_name[17];

#define VALID(why, what) do { const char *why_ = (why); if (why_) { \
    fprintf(stderr, "invalid %s: %s (%s:%d)\n", what, why_, __FILE__, __LINE__); abort(); } } while (0)

static void save(const char *ext, const void *p, size_t n)
{
    if (!out_dir) return;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.%s", out_dir, input_name, ext);
    write_file(path, p, n);
}

/* Legal text is never altered: no U+FFFD (nor JSON's \ufffd for a byte that is not
 * UTF-8) in what is written. */
static bool holds(const char *buf, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (buf[i] == w[0] && memcmp(buf + i, w, k) == 0) return true;
    return false;
}

static void unaltered(const char *buf, size_t n, const char *what)
{
    if (!holds(buf, n, "\xEF\xBF\xBD") && !holds(buf, n, "\\ufffd")) return;
    fprintf(stderr, "%s: U+FFFD from legal text: a writer cut or altered it\n", what);
    abort();
}

/* A writer into memory. */
static FILE *mem_open(char **buf, size_t *n)
{
    FILE *f = open_memstream(buf, n);
    if (!f) abort();
    return f;
}

static void check_json(bool legal)
{
    char *buf;
    size_t n;
    FILE *f = mem_open(&buf, &n);
    CHECK(bp_json_results(f, &base) == BP_OK);
    fclose(f);
    VALID(fv_json_valid(buf, n), "results JSON");
    if (legal) unaltered(buf, n, "results JSON");
    save("json", buf, n);
    free(buf);
}

static void check_text(bool legal)
{
    char *buf;
    size_t n;
    FILE *f = mem_open(&buf, &n);
    CHECK(bp_text_report(f, &base) == BP_OK);
    CHECK(bp_text_diags(f, &base.diags) == BP_OK);
    fclose(f);
    VALID(fv_text_valid(buf, n), "check text");
    if (legal) unaltered(buf, n, "check text");
    save("txt", buf, n);
    free(buf);
}

/* A refusal: BP_ERR_RENDER, or BP_ERR_LIMIT where a limit of the format may be met (the
 * workbook's: exit 65, as `check` refuses it), with an error saying why; for legal text
 * only a limit. */
static void check_refusal(bp_err err, const bp_diags *d, bool legal, bool limits)
{
    CHECK(err == BP_ERR_RENDER || (limits && err == BP_ERR_LIMIT));
    CHECK(d->errors > 0);
    if (verbose) bp_text_diags(stderr, d);
    for (size_t i = 0; i < d->count; i++)
        if (legal && d->items[i].level == BP_DIAG_ERROR) {
            bool internal = strstr(d->items[i].message, "internal error") != NULL;
            if (!limits || internal) fprintf(stderr, "legal text refused: %s\n", d->items[i].message);
            CHECK(limits && !internal);
        }
}

static void check_pdf(const char *lgb, int64_t epoch, bool legal)
{
    char *buf;
    size_t n;
    bp_diags d;
    bp_diags_init(&d);
    FILE *f = mem_open(&buf, &n);
    bp_packpdf_index *ix = NULL;
    bp_err err = bp_packpdf_index_make(&base, &ix);
    if (err == BP_OK) err = bp_packpdf_write(&base, ix, &pack, lgb, epoch, fonts_dir, f, &d);
    bp_packpdf_index_free(ix);
    fclose(f);
    if (err == BP_OK) {
        CHECK(d.errors == 0);
        VALID(fv_pdf_valid(buf, n, legal), "PDF");
        save("pdf", buf, n);
    } else {
        check_refusal(err, &d, legal, false);
        CHECK(n == 0);
    }
    free(buf);
    bp_diags_free(&d);
}

static void check_xlsx(int64_t epoch, bool legal)
{
    bp_diags d;
    bp_diags_init(&d);
    unlink(xlsx_path);
    bp_err err = bp_xlsx_write(&base, epoch, dir, xlsx_path, &d);
    if (err == BP_OK) {
        CHECK(d.errors == 0);
        size_t n;
        char *buf = read_file(xlsx_path, &n);
        CHECK(buf != NULL);
        VALID(fv_xlsx_valid((const unsigned char *)buf, n), "workbook");
        save("xlsx", buf, n);
        free(buf);
    } else {
        /* a limit of Excel's (a cell's 32,767 characters) is the one refusal legal text
         * may meet; `check` refuses it first */
        check_refusal(err, &d, legal, true);
        CHECK(access(xlsx_path, F_OK) != 0);
    }
    unlink(xlsx_path);
    bp_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    unsigned flags = (unsigned)take(&r, 1);
    uint32_t mask = (uint32_t)take(&r, 3);
    unsigned pick = (unsigned)take(&r, 1);
    bool legal = flags & 1;
    budget = TEXT_BUDGET;
    while (r.i < r.n) {
        unsigned t = (unsigned)take(&r, 1);
        switch (t & 3) {
        case 0: case 1: set_text(&r, t, legal); break;
        case 2: set_number(&r, t); break;
        default: set_date(&r, t);
        }
    }
    if (out_dir) {
        unsigned char h[32];
        char hex[65];
        bp_sha256(data, size, h);
        bp_sha256_hex(h, hex);
        memcpy(input_name, hex, 16);
    }
    pack.nsections = 0;
    for (int k = 0; k < BP_SEC_KIND_COUNT; k++)
        if (mask >> k & 1)
            sections[pack.nsections++] = (bp_section){.kind = (bp_section_kind)k,
                                                      .title = section_title[k]};
    pack.per_lgb = flags & 4;
    if (flags & 8)
        bp_diag_add(&base.diags, BP_DIAG_WARNING, warn_file ? warn_file : "finance.csv", 7, 3,
                    "%s", warn_msg ? warn_msg : "found a warning");

    bp_err err = bp_evaluate(&base.model, &base.kpis, base.year, &base.results, &base.diags);
    CHECK(err == BP_OK || err == BP_ERR_LIMIT);
    if (err == BP_OK) {
        base.evaluated = true;
        int64_t epoch;
        CHECK(bp_build_epoch(&base.model, NULL, &epoch));
        check_json(legal);
        check_text(legal);
        const char *lgbs[16];
        size_t nl = bp_lgb_ids(&base.model, lgbs, 16);
        const char *lgb = pack.per_lgb && nl ? lgbs[pick % (nl < 16 ? nl : 16)] : NULL;
        check_pdf(lgb, epoch, legal);
        if (flags & 2) check_xlsx(epoch, legal);
    }
    restore();
    return 0;
}
