/*
 * gen_national - England-scale synthetic data sets for boardpack.
 *
 *   gen_national --mats FILE --out DIR [--seed N] [--limit K]
 *
 * Reads the list of every multi-academy trust in England (trust name, GIAS group UID,
 * number of academies, pupils and grant funding in 2020/21; see ../shared/data/README.md)
 * and writes DIR/mat<UID>/, one data set per trust in the format of docs/data-format.md:
 * the real name, number of schools, pupils and 2020/21 grant income, every other fact
 * synthesised with the proportions of the DfE's trust financial benchmarking data.
 * docs/national-data.md says what is real, what is synthesised and how.
 *
 * Deterministic: a trust's data set depends only on the seed and its own input row (its
 * own PRNG stream, seeded from the seed and the GIAS group UID), and only integer
 * arithmetic is used, so the same seed gives byte-identical files on every platform.
 * Money is integer pence throughout; every split (grant across schools, lines within a
 * total, the central charge) is by largest remainder and sums exactly.
 *
 * Each data set is written into a hidden temporary directory beside its final place and
 * renamed into place when every file is complete, so DIR never holds a half-written one.
 *
 * Exit status: 0 ok, 2 usage, 65 bad input (every problem reported with its line),
 * 71 out of memory, 74 I/O error.
 */
#include "gen_national.h"

/* ------------------------------------------------------------------ buffers */

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + extra + 1) {
        if (cap > SIZE_MAX / 2) die_nomem();
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) die_nomem();
    b->p = p;
    b->cap = cap;
}

void sb_putn(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

static void sb_printf(sbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        sb_reserve(b, 64);
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k < 0) {
            fputs(PROG ": internal formatting error\n", stderr);
            exit(EXIT_NOMEM);
        }
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        sb_reserve(b, (size_t)k);
    }
}

/* A CSV field: quoted when it holds a comma, quote, line break or surrounding space. */
static void sb_csv(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    bool q = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !q; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') q = true;
    if (!q) {
        sb_putn(b, s, n);
        return;
    }
    sb_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') sb_putc(b, '"');
        sb_putc(b, s[i]);
    }
    sb_putc(b, '"');
}

/* ------------------------------------------------------------------ exact integer arithmetic */

typedef struct {
    uint64_t hi, lo;
} u128;

static u128 mul64(uint64_t a, uint64_t b)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    u128 r;
    r.lo = (mid << 32) | (p00 & 0xffffffffu);
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return r;
}

/* n / d and n % d; the quotient must fit in 64 bits (n.hi < d). */
static uint64_t div128(u128 n, uint64_t d, uint64_t *rem)
{
    if (d == 0 || n.hi >= d) {
        fputs(PROG ": internal error: arithmetic overflow\n", stderr);
        abort();
    }
    uint64_t r = n.hi, q = 0;
    for (int i = 63; i >= 0; i--) {
        uint64_t carry = r >> 63;
        r = (r << 1) | ((n.lo >> i) & 1u);
        q <<= 1;
        if (carry || r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    *rem = r;
    return q;
}

static uint64_t uabs64(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

/* a * b / c rounded half away from zero (c > 0). */
static int64_t mdiv(int64_t a, int64_t b, int64_t c)
{
    uint64_t rem;
    uint64_t q = div128(mul64(uabs64(a), uabs64(b)), (uint64_t)c, &rem);
    if (rem >= (uint64_t)c - rem) q++;
    int64_t v = (int64_t)q;
    return ((a < 0) != (b < 0)) ? -v : v;
}

static int64_t ppm_of(int64_t a, int64_t ppm) { return mdiv(a, ppm, PPM); }
static int64_t clampi(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }
static int64_t maxi(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t mini(int64_t a, int64_t b) { return a < b ? a : b; }

/* Split total (>= 0) into n parts in proportion to w[i] (>= 0) in whole units, largest
 * remainder first, ties to the earlier part - the rule boardpack uses for the central
 * charge, so shares computed here equal the ones it computes. */
static void split_lr(int64_t total, const int64_t *w, size_t n, int64_t *out)
{
    uint64_t W = 0;
    for (size_t i = 0; i < n; i++) W += (uint64_t)w[i];
    if (n == 0) return;
    if (W == 0 || total < 0) {
        fputs(PROG ": internal error: bad split\n", stderr);
        abort();
    }
    uint64_t *rem = malloc(n * sizeof *rem);
    bool *used = calloc(n, sizeof *used);
    if (!rem || !used) die_nomem();
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (int64_t)div128(mul64((uint64_t)total, (uint64_t)w[i]), W, &rem[i]);
        given += out[i];
    }
    for (int64_t left = total - given; left > 0; left--) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && (best == n || rem[i] > rem[best])) best = i;
        out[best]++;
        used[best] = true;
    }
    free(rem);
    free(used);
}

/* ------------------------------------------------------------------ PRNG (splitmix64) */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static int64_t runi(rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1u;
    return lo + (int64_t)(rnext(r) % span);
}

static bool rchance(rng *r, int64_t ppm) { return runi(r, 0, PPM - 1) < ppm; }

/* Approximately normal (Irwin-Hall, four uniforms): mean and sd in any integer unit,
 * never beyond 3.46 sd from the mean. */
static int64_t rnorm(rng *r, int64_t mean, int64_t sd)
{
    int64_t s = -2000000;
    for (int i = 0; i < 4; i++) s += runi(r, 0, 999999);
    return mean + sd * s / 577350;
}

/* A weight multiplied by a uniform factor in [lo, hi] parts per million. */
static int64_t rjitter(rng *r, int64_t w, int64_t lo, int64_t hi) { return ppm_of(w, runi(r, lo, hi)); }

/* ------------------------------------------------------------------ the model */

enum { PH_SFC, PH_SIXTH, PH_SEC, PH_ALL, PH_PRI, PH_SPECIAL, PH_AP, NPH }; /* output order */
static const char *const PHASE_ID[NPH] = {"sixth_form_college", "secondary_sixth", "secondary",
                                          "all_through", "primary", "special", "alternative_provision"};
/* trust.csv weight.PHASE for the central charge, in tenths */
static const int64_t PH_WEIGHT10[NPH] = {12, 11, 10, 10, 9, 30, 30};
/* typical pupils on roll, to size the schools of a trust against its real total */
static const int64_t PH_TYPICAL[NPH] = {1700, 1200, 950, 1500, 300, 120, 60};
/* grant per pupil relative to primary, per mille, to split the real grant across schools */
static const int64_t PH_FUNDING[NPH] = {1050, 1280, 1300, 1200, 1000, 4500, 3500};

/* Year-scenario combinations of finance.csv: actual and budget 2020/21-2022/23, budget
 * 2023/24, forecast 2023/24-2025/26. */
#define NCOMBO 10
static const int CY[NCOMBO] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 5}; /* 0 = 2020/21 */
static const int CS[NCOMBO] = {0, 1, 0, 1, 0, 1, 1, 2, 2, 2}; /* actual, budget, forecast */
static const char *const YEAR_TXT[6] = {"2020/21", "2021/22", "2022/23", "2023/24", "2024/25", "2025/26"};
static const char *const SCEN_TXT[3] = {"actual", "budget", "forecast"};
enum { C_A20 = 0, C_A21 = 2, C_A22 = 4, C_B23 = 6, C_F23 = 7, C_F24 = 8, C_F25 = 9 };
static const int ACTUALS[3] = {C_A20, C_A21, C_A22};

/* Balances and depreciation are given for actuals, the 2023/24 budget and the forecasts
 * (the past years' budgets are income and expenditure budgets only). */
static bool has_bs(int c) { return !(CS[c] == 1 && CY[c] < 3); }

/* ESFA grant per pupil, cumulative, ppm of 2020/21 (pay awards, supplementary grants). */
static const int64_t RATE[6] = {1000000, 1028000, 1079000, 1152000, 1196000, 1220000};
/* In-year result as ppm of income: mean and spread by combination (FBIT: median +1.1%,
 * p10 -3.2%, p90 +5.1%); budgets planned near balance, forecasts squeezed. */
static const int64_t SURPLUS_MEAN[NCOMBO] = {25000, 5000, 15000, 5000, 2000, 4000, 3000, -2000, -8000, -12000};
static const int64_t SURPLUS_SD[NCOMBO] = {20000, 8000, 20000, 8000, 20000, 8000, 8000, 15000, 18000, 20000};
/* Staff cost share drift by combination (pay awards outpace funding from 2022/23). */
static const int64_t STAFF_DRIFT[NCOMBO] = {-12000, -5000, -5000, -2000, 6000, 3000, 10000, 12000, 15000, 18000};
/* Self-generated income against a normal year (lettings and catering in the pandemic). */
static const int64_t SELF_FACTOR[NCOMBO] = {600000, 850000, 900000, 900000, 1000000, 1000000,
                                            1000000, 1000000, 1000000, 1000000};

enum {
    F_GAG, F_1619, F_PP, F_ESFA_OTHER, F_LA, F_CATERING, F_SELF_OTHER, F_INTERNAL_IN,
    F_TEACHING, F_SUPPORT, F_ADMIN, F_PREMISES_STAFF, F_AGENCY,
    F_PREMISES, F_SUPPLIES, F_ICT, F_CPD, F_NONPAY_OTHER, F_INTERNAL_OUT,
    F_DEPRECIATION, F_CASH, F_CA, F_CL, F_BORROWING, F_RESERVES, F_RAINY, NF
};
static const char *const FCODE[NF] = {
    "income.esfa.gag", "income.esfa.16_19", "income.esfa.pupil_premium", "income.esfa.other",
    "income.gov.la", "income.self.catering", "income.self.other", "income.internal.central_charge",
    "exp.staff.teaching", "exp.staff.support", "exp.staff.admin", "exp.staff.premises", "exp.staff.agency",
    "exp.nonpay.premises", "exp.nonpay.supplies", "exp.nonpay.ict", "exp.nonpay.cpd", "exp.nonpay.other",
    "exp.internal.central_charge", "memo.depreciation", "bs.cash", "bs.current_assets",
    "bs.current_liabilities", "bs.borrowing", "bs.reserves.revenue", "bs.reserves.rainy_day"};

/* ESFA lines by phase, ppm: gag, 16-19, pupil premium, other (FBIT: direct grants ~83%
 * of income, targeted grants ~11%). */
static const int64_t ESFA_W[NPH][4] = {
    {0, 930000, 0, 70000},           /* sixth form college */
    {790000, 100000, 55000, 55000},  /* secondary with sixth */
    {870000, 0, 65000, 65000},       /* secondary */
    {820000, 60000, 60000, 60000},   /* all-through */
    {845000, 0, 75000, 80000},       /* primary */
    {930000, 0, 20000, 50000},       /* special */
    {930000, 0, 20000, 50000},       /* AP */
};
/* Staff lines by phase, ppm of staff costs: teaching, support, admin, premises, agency
 * (FBIT, of income: teaching 46%, education support 18%, admin 5.5%, premises 2.2%,
 * agency 1.4%). */
static const int64_t STAFF_W[NPH][5] = {
    {650000, 150000, 140000, 40000, 20000}, {640000, 185000, 105000, 40000, 30000},
    {640000, 190000, 100000, 40000, 30000}, {610000, 230000, 100000, 40000, 20000},
    {560000, 300000, 85000, 35000, 20000},  {400000, 470000, 80000, 30000, 20000},
    {480000, 360000, 100000, 30000, 30000},
};
/* Non-pay lines other than CPD, ppm: premises (incl. utilities), supplies, ICT, other. */
static const int64_t NONPAY_W[4] = {360000, 200000, 90000, 350000};

typedef struct {
    int ph;
    char id[8], lgb[8];
    char name[MAX_NAME_BYTES + 64];
    int join;                 /* months since 2011-01 */
    int64_t capacity, pan;    /* pan < 0: none */
    int64_t units;            /* 2020/21 share of the trust's pupils, in input units */
    int64_t roll[NCOMBO];     /* pupils on roll, hundredths */
    int64_t esfa[NCOMBO];     /* pence */
    int64_t charge[NCOMBO];   /* central charge share, pence */
    int64_t income[NCOMBO];
    int64_t v[NCOMBO][NF];
    bool has[NCOMBO][NF];
    /* constants of the school */
    int64_t growth, esfa_w[4], la, catering, self_other, sigma0, staff_w[5], nonpay_w[4], cpd,
        dep, liab, reserve0, delta, cashr, bias, loan;
    int grade;
} school;

static void setv(school *s, int c, int f, int64_t v)
{
    s->v[c][f] = v;
    s->has[c][f] = true;
}

static int64_t whole_roll(int64_t hundredths) { return maxi(100, (hundredths + 50) / 100 * 100); }
static int64_t pupils_of(const school *s, int c) { return maxi(1, (s->roll[c] + 50) / 100); }

/* ------------------------------------------------------------------ names */

static const char *const PLACES[] = {
    "Ashby", "Bakewell", "Barnsley", "Beeston", "Belper", "Beverley", "Bingley", "Bolsover",
    "Boston", "Bourne", "Brackley", "Bradwell", "Bridlington", "Brigg", "Buxton", "Calne",
    "Castleford", "Chard", "Cheadle", "Chesham", "Chorley", "Cirencester", "Clitheroe",
    "Cockermouth", "Colne", "Congleton", "Corby", "Crediton", "Crewe", "Daventry", "Dawlish",
    "Denby", "Devizes", "Didcot", "Dorking", "Driffield", "Droitwich", "Dursley", "Eastwood",
    "Ely", "Epworth", "Evesham", "Exmouth", "Fakenham", "Farnham", "Felixstowe", "Frome",
    "Gainsborough", "Glossop", "Goole", "Grantham", "Hailsham", "Halesowen", "Harleston",
    "Hexham", "Hinckley", "Holbeach", "Honiton", "Horncastle", "Hucknall", "Ilkeston",
    "Keighley", "Kendal", "Keswick", "Kettering", "Kidsgrove", "Kirkby", "Launceston",
    "Ledbury", "Leek", "Leominster", "Lichfield", "Liskeard", "Loughborough", "Louth",
    "Ludlow", "Lydney", "Malton", "Market Rasen", "Marlborough", "Matlock", "Melksham",
    "Melton", "Middlewich", "Minehead", "Morpeth", "Nantwich", "Newark", "Newent",
    "Northallerton", "Oakham", "Ormskirk", "Oswestry", "Otley", "Oundle", "Penrith",
    "Pershore", "Pickering", "Prescot", "Radstock", "Redruth", "Retford", "Richmond",
    "Ripley", "Ripon", "Romsey", "Ross-on-Wye", "Rothwell", "Rugeley", "Saffron Walden",
    "Sandbach", "Selby", "Settle", "Shaftesbury", "Shepton Mallet", "Sherborne", "Shifnal",
    "Skegness", "Sleaford", "Spalding", "Stamford", "Stone", "Stowmarket", "Stroud",
    "Sudbury", "Swaffham", "Tadcaster", "Tamworth", "Tavistock", "Tewkesbury", "Thame",
    "Thetford", "Thirsk", "Tiverton", "Todmorden", "Towcester", "Truro", "Ulverston",
    "Uttoxeter", "Wantage", "Wareham", "Warminster", "Wellington", "Wetherby", "Whitby",
    "Whitchurch", "Wigton", "Wimborne", "Wincanton", "Wirksworth", "Witney", "Woodbridge",
    "Worksop", "Yeovil"};
#define NPLACES (sizeof PLACES / sizeof *PLACES)
static const char *const SAINTS[] = {"St Mary's", "St Joseph's", "St John's", "St Peter's",
                                     "St Paul's", "St Michael's", "St Anne's", "St Thomas's",
                                     "Holy Trinity", "Christ Church", "St Bede's", "St Chad's",
                                     "All Saints", "St Andrew's", "St George's", "Our Lady's"};
static const char *const FEATURES[] = {"Oakfield", "Beechwood", "Willowbrook", "Meadowside",
                                       "Hillside", "Brookfield", "Greenacres", "Rosewood",
                                       "Ashgrove", "Elmhurst", "Fernhill", "Highfield", "Larkrise",
                                       "Millbrook", "Orchard", "Parkside", "Riverside",
                                       "Springfield", "Westfield", "Woodlands"};
#define PICK(r, a) (a[runi(r, 0, (int64_t)(sizeof a / sizeof *a) - 1)])

static void school_name(rng *r, int ph, const char *place, char *out, size_t cap)
{
    const char *S = PICK(r, SAINTS), *T = PICK(r, FEATURES);
    int k;
    switch (ph) {
    case PH_PRI:
        k = (int)runi(r, 0, 7);
        if (k == 0) snprintf(out, cap, "%s Primary Academy", place);
        else if (k == 1) snprintf(out, cap, "%s Church of England Primary School", place);
        else if (k == 2) snprintf(out, cap, "%s Catholic Primary School, %s", S, place);
        else if (k == 3) snprintf(out, cap, "%s CE Primary Academy, %s", S, place);
        else if (k == 4) snprintf(out, cap, "%s Primary School, %s", T, place);
        else if (k == 5) snprintf(out, cap, "%s Infant and Nursery School", place);
        else if (k == 6) snprintf(out, cap, "%s Junior School", place);
        else snprintf(out, cap, "%s Community Primary School", place);
        break;
    case PH_SEC:
        k = (int)runi(r, 0, 5);
        if (k == 0) snprintf(out, cap, "%s Academy", place);
        else if (k == 1) snprintf(out, cap, "%s High School", place);
        else if (k == 2) snprintf(out, cap, "%s School", place);
        else if (k == 3) snprintf(out, cap, "%s Catholic High School, %s", S, place);
        else if (k == 4) snprintf(out, cap, "The %s Academy", place);
        else snprintf(out, cap, "%s Community College", place);
        break;
    case PH_SIXTH:
        k = (int)runi(r, 0, 5);
        if (k == 0) snprintf(out, cap, "%s Academy and Sixth Form", place);
        else if (k == 1) snprintf(out, cap, "%s High School", place);
        else if (k == 2) snprintf(out, cap, "%s Grammar School", place);
        else if (k == 3) snprintf(out, cap, "%s College", place);
        else if (k == 4) snprintf(out, cap, "%s Catholic College, %s", S, place);
        else snprintf(out, cap, "%s School and Sixth Form Centre", place);
        break;
    case PH_ALL:
        k = (int)runi(r, 0, 2);
        if (k == 0) snprintf(out, cap, "%s All-Through Academy", place);
        else if (k == 1) snprintf(out, cap, "%s Academy (3-18)", place);
        else snprintf(out, cap, "%s Free School", place);
        break;
    case PH_SFC:
        if (rchance(r, 500000)) snprintf(out, cap, "%s Sixth Form College", place);
        else snprintf(out, cap, "The Sixth Form College, %s", place);
        break;
    case PH_SPECIAL:
        k = (int)runi(r, 0, 2);
        if (k == 0) snprintf(out, cap, "%s School, %s", T, place);
        else if (k == 1) snprintf(out, cap, "%s Special Academy", place);
        else snprintf(out, cap, "%s %s School", place, T);
        break;
    default:
        k = (int)runi(r, 0, 2);
        if (k == 0) snprintf(out, cap, "%s Learning Centre", place);
        else if (k == 1) snprintf(out, cap, "%s Pupil Referral Academy", place);
        else snprintf(out, cap, "%s Alternative Provision Academy", place);
        break;
    }
}

static bool ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i]) {
            char a = hay[i], b = needle[i];
            if (a >= 'a' && a <= 'z') a = (char)(a - 'a' + 'A');
            if (a != b) break;
            i++;
        }
        if (i == n) return true;
    }
    return false;
}

static bool ci_any(const char *hay, const char *const *kw)
{
    for (; *kw; kw++)
        if (ci_contains(hay, *kw)) return true;
    return false;
}

enum { H_NONE, H_PRI, H_SEC, H_SPECIAL, H_AP, H_SFC, H_ALL };

/* What the trust's name says about its schools. */
static int name_hint(const char *name)
{
    static const char *const sfc[] = {"SIXTH FORM COLLEGE", NULL};
    static const char *const ap[] = {"PUPIL REFERRAL", "ALTERNATIVE PROVISION", NULL};
    static const char *const sp[] = {"SPECIAL", NULL};
    static const char *const all[] = {"ALL THROUGH", "ALL-THROUGH", NULL};
    static const char *const pri[] = {"PRIMARY", "INFANT", "JUNIOR", "FIRST SCHOOL", "NURSERY", NULL};
    static const char *const sec[] = {"GRAMMAR", "HIGH SCHOOL", "SECONDARY", "UPPER SCHOOL",
                                      "COMMUNITY COLLEGE", "TECHNOLOGY COLLEGE", "CATHOLIC COLLEGE",
                                      "SCHOOL AND SIXTH", "CATHOLIC HIGH", NULL};
    if (ci_any(name, sfc)) return H_SFC;
    if (ci_any(name, ap)) return H_AP;
    if (ci_any(name, sp)) return H_SPECIAL;
    if (ci_any(name, all)) return H_ALL;
    if (ci_any(name, pri)) return H_PRI;
    if (ci_any(name, sec)) return H_SEC;
    return H_NONE;
}

/* A single-academy trust named after its school: the school keeps the name. */
static bool school_named_trust(const char *name)
{
    static const char *const kinds[] = {"SCHOOL", "ACADEMY", "COLLEGE", NULL};
    static const char *const group[] = {"TRUST", "ACADEMIES", "PARTNERSHIP", "FEDERATION", "GROUP",
                                        "FOUNDATION", "ALLIANCE", "MULTI", "LEARNING", "EDUCATION",
                                        "SCHOOLS", "COLLEGIATE", "COLLEGES", NULL};
    return ci_any(name, kinds) && !ci_any(name, group);
}

static void strip_limited(char *s)
{
    static const char *const tails[] = {" LIMITED", " LTD.", " LTD"};
    size_t n = strlen(s);
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(tails[i]);
        if (n > k && ci_contains(s + n - k, tails[i]) && strlen(s + n - k) == k) {
            s[n - k] = '\0';
            return;
        }
    }
}

/* ------------------------------------------------------------------ one trust */

typedef struct {
    sbuf trust, insts, fin, stu, staff, gov, actions, ambitions, prios, papers, national;
} outbufs;

static const char *const FILES[] = {"trust.csv", "institutions.csv", "finance.csv", "students.csv",
                                    "staff.csv", "governance.csv", "actions.csv", "ambitions.csv",
                                    "priorities.csv", "papers.csv", "national.csv"};
#define NFILES (sizeof FILES / sizeof *FILES)

static sbuf *outbuf(outbufs *o, size_t i)
{
    /* cppcheck-suppress constVariable ; the buffers are written through the pointer returned */
    sbuf *const all[NFILES] = {&o->trust, &o->insts, &o->fin, &o->stu, &o->staff, &o->gov,
                         &o->actions, &o->ambitions, &o->prios, &o->papers, &o->national};
    return all[i];
}

static void put_money(sbuf *b, int64_t p)
{
    uint64_t a = uabs64(p);
    sb_printf(b, "%s%" PRIu64 ".%02u", p < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
}

/* v / 10^dec, trailing zeros dropped */
static void put_scaled(sbuf *b, int64_t v, int dec)
{
    int64_t d = 1;
    for (int i = 0; i < dec; i++) d *= 10;
    uint64_t a = uabs64(v);
    sb_printf(b, "%s%" PRIu64, v < 0 ? "-" : "", a / (uint64_t)d);
    uint64_t f = a % (uint64_t)d;
    if (!f) return;
    char digits[24];
    snprintf(digits, sizeof digits, "%0*" PRIu64, dec, f);
    size_t n = strlen(digits);
    while (n > 0 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    sb_printf(b, ".%s", digits);
}

static void fact(sbuf *b, const char *inst, int c, const char *code)
{
    sb_printf(b, "%s,%s,%s,%s,", inst, YEAR_TXT[CY[c]], SCEN_TXT[CS[c]], code);
}

static void fact_int(sbuf *b, const char *inst, int c, const char *code, int64_t v)
{
    fact(b, inst, c, code);
    sb_printf(b, "%" PRId64 "\n", v);
}

static void fact_dec(sbuf *b, const char *inst, int c, const char *code, int64_t v, int dec)
{
    fact(b, inst, c, code);
    put_scaled(b, v, dec);
    sb_putc(b, '\n');
}

static void date_of(int months, char *out, size_t cap)
{
    snprintf(out, cap, "%04d-%02d-01", 2011 + (months / 12) % 100, months % 12 + 1);
}

/* Phases of a trust's schools, in output order. */
static void choose_phases(rng *r, const trust_in *t, int *ph)
{
    int64_t S = t->schools;
    int64_t A = t->pupils / 100 / S;             /* average pupils per school */
    int64_t F = t->grant / t->pupils;            /* pounds of grant per pupil */
    int hint = name_hint(t->name);
    int cnt[NPH] = {0};
    if (S == 1) {
        int p;
        if (hint == H_SFC) p = PH_SFC;
        else if (hint == H_AP) p = PH_AP;
        else if (hint == H_SPECIAL) p = PH_SPECIAL;
        else if (hint == H_ALL) p = PH_ALL;
        else if (F >= 14000) p = (A < 60 && rchance(r, 300000)) ? PH_AP : PH_SPECIAL;
        else if (hint == H_PRI && A <= 1000) p = PH_PRI;
        else if (hint == H_SEC && A >= 250)
            p = (A >= 900 || ci_contains(t->name, "GRAMMAR") || rchance(r, 500000)) ? PH_SIXTH : PH_SEC;
        else if (A < 450) p = PH_PRI;
        else if (A < 700) p = rchance(r, 600000) ? PH_PRI : PH_SEC;
        else if (A >= 2000 && rchance(r, 250000)) p = PH_ALL;
        else p = rchance(r, 550000) ? PH_SIXTH : PH_SEC;
        ph[0] = p;
        return;
    }
    if (F >= 14000 || (hint == H_SPECIAL && F >= 9000) || (hint == H_AP && F >= 9000)) {
        for (int64_t i = 0; i < S; i++)
            cnt[(hint == H_AP || rchance(r, 200000)) ? PH_AP : PH_SPECIAL]++;
    } else {
        int64_t nsp = 0, nap = 0;
        for (int64_t i = 0; i < S; i++) {
            if (S >= 3 && rchance(r, 40000)) nsp++;
            else if (S >= 5 && rchance(r, 15000)) nap++;
        }
        if (nsp + nap >= S) nsp = nap = 0;
        int64_t m = S - nsp - nap;
        int64_t rest = maxi(t->pupils / 100 - nsp * 110 - nap * 60, m * 50);
        int64_t Am = rest / m;
        int64_t q = clampi((Am - 300) * PPM / 750, 0, PPM);
        if (hint == H_PRI && Am <= 900) q = 0;
        if (hint == H_SEC && Am >= 400) q = maxi(q, 700000);
        int64_t nsec = q * m / PPM;
        if (rchance(r, q * m % PPM)) nsec++;
        nsec = mini(nsec, m);
        for (int64_t i = 0; i < nsec; i++) {
            int64_t u = runi(r, 0, 99);
            cnt[u < 45 ? PH_SIXTH : u < 95 ? PH_SEC : PH_ALL]++;
        }
        if (S >= 12 && nsec >= 2 && rchance(r, 350000)) {
            int from = cnt[PH_SIXTH] ? PH_SIXTH : cnt[PH_SEC] ? PH_SEC : PH_ALL;
            cnt[from]--;
            cnt[PH_SFC]++;
        }
        cnt[PH_PRI] += (int)(m - nsec);
        cnt[PH_SPECIAL] += (int)nsp;
        cnt[PH_AP] += (int)nap;
    }
    int k = 0;
    for (int p = 0; p < NPH; p++)
        for (int i = 0; i < cnt[p]; i++) ph[k++] = p;
}

/* The data set of one trust into o. */
static void gen_trust(const trust_in *t, uint64_t seed, outbufs *o)
{
    for (size_t i = 0; i < NFILES; i++) outbuf(o, i)->n = 0;
    rng rs = {seed ^ 0x5DEECE66Dull}, *r = &rs;
    rs.s = rnext(r) ^ (t->uid * 0xD1B54A32D192ED03ull);
    /* cppcheck-suppress redundantAssignment ; rnext reads rs.s through r */
    rs.s = rnext(r);

    size_t S = (size_t)t->schools;
    school *sc = calloc(S, sizeof *sc);
    int *ph = malloc(S * sizeof *ph);
    int64_t *w = malloc(S * sizeof *w), *part = malloc(S * sizeof *part);
    size_t *perm = malloc((S > NPLACES ? S : NPLACES) * sizeof *perm);
    if (!sc || !ph || !w || !part || !perm) die_nomem();
    char id[24];
    snprintf(id, sizeof id, "mat%" PRIu64, t->uid);

    /* ---- schools: phases, sizes, names, dates */
    choose_phases(r, t, ph);
    int64_t unit = t->pupils % 100 == 0 ? 100 : t->pupils % 50 == 0 ? 50 : t->pupils % 10 == 0 ? 10 : 1;
    int64_t units = t->pupils / unit, min_units = 100 / unit;
    for (size_t i = 0; i < S; i++) w[i] = rjitter(r, PH_TYPICAL[ph[i]], 650000, 1450000);
    split_lr(units - (int64_t)S * min_units, w, S, part);
    for (size_t i = 0; i < NPLACES; i++) perm[i] = i;
    for (size_t i = 0; i < NPLACES; i++) {
        size_t j = i + (size_t)runi(r, 0, (int64_t)(NPLACES - i - 1));
        size_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    int found = (int)runi(r, 0, 107);  /* trust founded 2011-01 .. 2019-12 */
    if (rchance(r, 300000)) found = (int)runi(r, 72, 107);
    int first_join = 200;
    bool own_name = S == 1 && school_named_trust(t->name);
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        s->ph = ph[i];
        snprintf(s->id, sizeof s->id, S < 100 ? "S%02zu" : "S%03zu", i + 1);
        memcpy(s->lgb, s->id, sizeof s->lgb);
        s->units = min_units + part[i];
        s->roll[C_A20] = s->units * unit;
        char place[64];
        if (i < NPLACES) snprintf(place, sizeof place, "%s", PLACES[perm[i]]);
        else snprintf(place, sizeof place, "%s %zu", PLACES[perm[i % NPLACES]], i / NPLACES + 1);
        school_name(r, s->ph, place, s->name, sizeof s->name);
        if (own_name) {
            snprintf(s->name, sizeof s->name, "%s", t->name);
            strip_limited(s->name);
        }
        s->join = i == 0 ? found : (int)runi(r, found, 116);  /* by 2020-09 */
        if (s->join < first_join) first_join = s->join;
        int64_t n = pupils_of(s, C_A20);
        int64_t cap = n + ppm_of(n, runi(r, 0, 250000));
        if (s->ph == PH_SPECIAL || s->ph == PH_AP) cap = n + ppm_of(n, runi(r, 0, 150000));
        s->capacity = cap < 100 ? cap : (cap + 9) / 10 * 10;
        switch (s->ph) {
        case PH_PRI: s->pan = s->capacity / 7; break;
        case PH_SEC: s->pan = s->capacity / 5; break;
        case PH_SIXTH: s->pan = s->capacity * 82 / 500; break;
        case PH_ALL: s->pan = s->capacity / 13; break;
        default: s->pan = -1; break;
        }
        if (s->pan >= 30) s->pan = (s->pan + 5) / 15 * 15;
        else if (s->pan >= 0) s->pan = maxi(s->pan, 1);
        if (i > 0 && S >= 3 && s->ph == PH_PRI && sc[i - 1].ph == PH_PRI && rchance(r, 150000))
            memcpy(s->lgb, sc[i - 1].lgb, sizeof s->lgb);
    }

    /* ---- the real grant across schools: pupils x phase funding, largest remainder */
    for (size_t i = 0; i < S; i++) w[i] = sc[i].units * PH_FUNDING[sc[i].ph];
    split_lr(t->grant, w, S, part);
    for (size_t i = 0; i < S; i++) sc[i].esfa[C_A20] = part[i];

    /* ---- constants of each school */
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        int p = s->ph;
        s->growth = clampi(rnorm(r, 8000, 15000), -30000, 40000);
        for (int k = 0; k < 4; k++)
            s->esfa_w[k] = k == 0 ? ESFA_W[p][k] : rjitter(r, ESFA_W[p][k], 850000, 1150000);
        if (p == PH_SPECIAL) s->la = runi(r, 50000, 150000);
        else if (p == PH_AP) s->la = runi(r, 80000, 250000);
        else if (p == PH_SFC) s->la = runi(r, 5000, 20000);
        else s->la = runi(r, 10000, 50000);
        if (p == PH_PRI) s->catering = runi(r, 3000, 12000);
        else if (p == PH_SPECIAL || p == PH_AP) s->catering = runi(r, 1000, 6000);
        else s->catering = runi(r, 8000, 28000);
        s->self_other = runi(r, 8000, 35000);
        s->sigma0 = clampi(rnorm(r, 760000, 28000), 680000, 850000) +
                    (p == PH_SFC ? -45000 : p == PH_SPECIAL ? 25000 : p == PH_AP ? 15000 : 0);
        for (int k = 0; k < 5; k++) s->staff_w[k] = rjitter(r, STAFF_W[p][k], 850000, 1150000);
        for (int k = 0; k < 4; k++) s->nonpay_w[k] = rjitter(r, NONPAY_W[k], 800000, 1200000);
        s->cpd = runi(r, 1200, 6500);
        s->dep = runi(r, 20000, 45000);
        s->liab = runi(r, 60000, 120000);
        s->reserve0 = clampi(rnorm(r, 40000, 45000), -40000, 180000);
        s->delta = runi(r, 0, 20000);
        s->cashr = runi(r, 780000, 920000);
        s->bias = rnorm(r, 0, 12000);
        s->loan = rchance(r, 120000) ? runi(r, 5000, 40000) : 0;
        s->grade = (int)runi(r, 0, 99);
        bool recent = s->join >= 96;
        s->grade = recent ? (s->grade < 5 ? 1 : s->grade < 55 ? 2 : s->grade < 88 ? 3 : 4)
                          : (s->grade < 15 ? 1 : s->grade < 83 ? 2 : s->grade < 97 ? 3 : 4);
    }

    /* ---- pupils and ESFA grant in every year and scenario */
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        int64_t *R = s->roll;
        R[2] = whole_roll(ppm_of(R[0], PPM + s->growth + rnorm(r, 0, 8000)));
        R[4] = whole_roll(ppm_of(R[2], PPM + s->growth + rnorm(r, 0, 8000)));
        R[1] = whole_roll(ppm_of(R[0], PPM + rnorm(r, 0, 10000)));
        R[3] = whole_roll(ppm_of(R[2], PPM + rnorm(r, 0, 10000)));
        R[5] = whole_roll(ppm_of(R[4], PPM + rnorm(r, 0, 10000)));
        R[6] = whole_roll(ppm_of(R[4], PPM + s->growth));
        R[7] = whole_roll(ppm_of(R[6], PPM + rnorm(r, 0, 7000)));
        R[8] = whole_roll(ppm_of(R[7], PPM + s->growth));
        R[9] = whole_roll(ppm_of(R[8], PPM + s->growth));
        for (int c = 1; c < NCOMBO; c++) {
            int64_t e = mdiv(s->esfa[0], R[c], R[0]);
            e = ppm_of(e, RATE[CY[c]]);
            int64_t noise = CS[c] == 0 ? rnorm(r, 0, 6000) : CS[c] == 1 ? rnorm(r, -5000, 8000)
                                                                       : rnorm(r, 0, 5000);
            s->esfa[c] = ppm_of(e, PPM + noise);
        }
    }

    /* ---- the central charge: a top-slice of the schools' ESFA income, shared by
     * pupils x phase weight exactly as boardpack allocates the centre's expenditure */
    int64_t topslice = S == 1 ? runi(r, 15000, 30000) : S <= 5 ? runi(r, 30000, 50000)
                                                               : runi(r, 40000, 60000);
    int64_t central[NCOMBO];
    for (int c = 0; c < NCOMBO; c++) {
        int64_t sum = 0;
        for (size_t i = 0; i < S; i++) sum += sc[i].esfa[c];
        central[c] = ppm_of(sum, topslice + (int64_t)CY[c] * 1000);
        for (size_t i = 0; i < S; i++) w[i] = sc[i].roll[c] * PH_WEIGHT10[sc[i].ph];
        split_lr(central[c], w, S, part);
        for (size_t i = 0; i < S; i++) sc[i].charge[c] = part[i];
    }

    /* ---- each school's income and expenditure, then balances */
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        int64_t lines[5];
        for (int c = 0; c < NCOMBO; c++) {
            split_lr(s->esfa[c], s->esfa_w, 4, lines);
            for (int k = 0; k < 4; k++)
                if (s->esfa_w[k]) setv(s, c, F_GAG + k, lines[k]);
            int64_t E = s->esfa[c];
            setv(s, c, F_LA, ppm_of(E, ppm_of(s->la, PPM + rnorm(r, 0, 50000))));
            setv(s, c, F_CATERING, ppm_of(ppm_of(E, ppm_of(s->catering, PPM + rnorm(r, 0, 80000))),
                                          SELF_FACTOR[c]));
            setv(s, c, F_SELF_OTHER, ppm_of(ppm_of(E, ppm_of(s->self_other, PPM + rnorm(r, 0, 80000))),
                                            SELF_FACTOR[c]));
            int64_t I = 0;
            for (int f = F_GAG; f <= F_SELF_OTHER; f++)
                if (s->has[c][f]) I += s->v[c][f];
            s->income[c] = I;
            int64_t bias = CS[c] == 1 ? s->bias / 2 : s->bias;
            int64_t surplus = clampi(rnorm(r, SURPLUS_MEAN[c], SURPLUS_SD[c]) + bias, -90000, 100000);
            int64_t X = I - ppm_of(I, surplus);
            int64_t C = s->charge[c];
            int64_t sigma = s->sigma0 + STAFF_DRIFT[c] + rnorm(r, 0, 8000);
            int64_t staff = ppm_of(I, sigma);
            int64_t nonpay = X - staff - C, floor_np = ppm_of(I, 100000);
            if (nonpay < floor_np) {
                nonpay = floor_np;
                staff = X - C - nonpay;
            }
            int64_t sw[5];
            for (int k = 0; k < 5; k++) sw[k] = rjitter(r, s->staff_w[k], 970000, 1030000);
            split_lr(staff, sw, 5, lines);
            for (int k = 0; k < 5; k++) setv(s, c, F_TEACHING + k, lines[k]);
            int64_t cpd = clampi(ppm_of(I, maxi(500, s->cpd + rnorm(r, 0, 500))), 0, nonpay / 4);
            int64_t nw[4];
            for (int k = 0; k < 4; k++) nw[k] = rjitter(r, s->nonpay_w[k], 950000, 1050000);
            split_lr(nonpay - cpd, nw, 4, lines);
            setv(s, c, F_PREMISES, lines[0]);
            setv(s, c, F_SUPPLIES, lines[1]);
            setv(s, c, F_ICT, lines[2]);
            setv(s, c, F_CPD, cpd);
            setv(s, c, F_NONPAY_OTHER, lines[3]);
            setv(s, c, F_INTERNAL_OUT, C);
            if (has_bs(c)) setv(s, c, F_DEPRECIATION, ppm_of(I, s->dep + rnorm(r, 0, 1500)));
        }
        /* reserves roll forward: closing = opening + in-year result */
        int64_t res[NCOMBO];
        for (int c = 0; c < NCOMBO; c++) {
            int64_t X = 0;
            for (int f = F_TEACHING; f <= F_INTERNAL_OUT; f++) X += s->v[c][f];
            res[c] = s->income[c] - X;
        }
        int64_t rv[NCOMBO] = {0};
        rv[C_A20] = ppm_of(s->income[C_A20], s->reserve0) + res[C_A20];
        rv[C_A21] = rv[C_A20] + res[C_A21];
        rv[C_A22] = rv[C_A21] + res[C_A22];
        rv[C_B23] = rv[C_A22] + res[C_B23];
        rv[C_F23] = rv[C_A22] + res[C_F23];
        rv[C_F24] = rv[C_F23] + res[C_F24];
        rv[C_F25] = rv[C_F24] + res[C_F25];
        int64_t loan0 = ppm_of(s->income[C_A20], s->loan);
        for (int c = 0; c < NCOMBO; c++) {
            if (!has_bs(c)) continue;
            int64_t I = s->income[c];
            int64_t L = ppm_of(I, s->liab + rnorm(r, 0, 8000));
            int64_t CA = maxi(rv[c] + L + ppm_of(I, s->delta), ppm_of(I, 20000));
            setv(s, c, F_CASH, mini(CA, ppm_of(CA, s->cashr + rnorm(r, 0, 20000))));
            setv(s, c, F_CA, CA);
            setv(s, c, F_CL, L);
            if (loan0 > 0 && CY[c] < 6) setv(s, c, F_BORROWING, loan0 * (6 - CY[c]) / 6);
            setv(s, c, F_RESERVES, rv[c]);
        }
    }

    /* ---- the centre: income = the charge; spending = the same, in five lines */
    school ce;
    memset(&ce, 0, sizeof ce);
    snprintf(ce.id, sizeof ce.id, "CENTRAL");
    {
        int64_t cw[5] = {rjitter(r, 450000, 800000, 1200000), rjitter(r, 150000, 500000, 1500000),
                         rjitter(r, 100000, 700000, 1300000), rjitter(r, 30000, 700000, 1300000),
                         rjitter(r, 270000, 800000, 1200000)};
        int64_t T0 = 0;
        for (size_t i = 0; i < S; i++) T0 += sc[i].income[C_A20];
        int64_t rc = ppm_of(T0, runi(r, 0, 10000));
        int64_t rainy0 = ppm_of(T0, runi(r, 2000, 12000)), rgrow = runi(r, 50000, 250000);
        int64_t cl = runi(r, 60000, 120000);
        for (int c = 0; c < NCOMBO; c++) {
            int64_t lines[5];
            split_lr(central[c], cw, 5, lines);
            setv(&ce, c, F_INTERNAL_IN, central[c]);
            setv(&ce, c, F_ADMIN, lines[0]);
            setv(&ce, c, F_SUPPORT, lines[1]);
            setv(&ce, c, F_ICT, lines[2]);
            setv(&ce, c, F_CPD, lines[3]);
            setv(&ce, c, F_NONPAY_OTHER, lines[4]);
            if (!has_bs(c)) continue;
            int64_t rainy = (ppm_of(rainy0, PPM + CY[c] * rgrow) + 50000) / 100000 * 100000;
            int64_t L = ppm_of(central[c], cl + rnorm(r, 0, 10000));
            int64_t CA = L + rc + rainy + ppm_of(central[c], 20000);
            setv(&ce, c, F_CASH, ppm_of(CA, runi(r, 850000, 950000)));
            setv(&ce, c, F_CA, CA);
            setv(&ce, c, F_CL, L);
            setv(&ce, c, F_RESERVES, rc);
            setv(&ce, c, F_RAINY, rainy);
        }
    }

    /* ---- trust.csv */
    sbuf *b = &o->trust;
    sb_printf(b, "key,value\nid,%s\nname,", id);
    sb_csv(b, t->name);
    sb_printf(b, "\nreport_year,2022/23\nas_of,2023-11-20\ncentral_id,CENTRAL\ngias_group_uid,%" PRIu64 "\n",
              t->uid);
    for (int p = 0; p < NPH; p++) {
        sb_printf(b, "weight.%s,", PHASE_ID[p]);
        put_scaled(b, PH_WEIGHT10[p], 1);
        sb_putc(b, '\n');
    }

    /* ---- institutions.csv */
    b = &o->insts;
    char d[32];
    sb_puts(b, "id,name,phase,joined,capacity,pan,lgb\n");
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        sb_printf(b, "%s,", s->id);
        sb_csv(b, s->name);
        date_of(s->join, d, sizeof d);
        sb_printf(b, ",%s,%s,%" PRId64 ",", PHASE_ID[s->ph], d, s->capacity);
        if (s->pan >= 0) sb_printf(b, "%" PRId64, s->pan);
        sb_printf(b, ",%s\n", s->lgb);
    }
    date_of(first_join, d, sizeof d);
    sb_printf(b, "CENTRAL,Central Services,central,%s,,,\n", d);

    /* ---- finance.csv */
    b = &o->fin;
    sb_puts(b, "institution,year,scenario,code,value\n");
    for (size_t i = 0; i <= S; i++) {
        school *s = i < S ? &sc[i] : &ce;
        for (int c = 0; c < NCOMBO; c++)
            for (int f = 0; f < NF; f++)
                if (s->has[c][f]) {
                    fact(b, s->id, c, FCODE[f]);
                    put_money(b, s->v[c][f]);
                    sb_putc(b, '\n');
                }
    }

    /* ---- students.csv */
    static const int64_t ATT[NPH][3] = {
        {918000, 903000, 905000}, {914000, 911000, 910000}, {914000, 911000, 910000},
        {930000, 922000, 924000}, {956000, 937000, 941000}, {880000, 870000, 875000},
        {700000, 670000, 660000}};
    static const int64_t ATT_SD[NPH] = {20000, 18000, 18000, 15000, 12000, 30000, 80000};
    b = &o->stu;
    sb_puts(b, "institution,year,scenario,code,value\n");
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        int p = s->ph;
        bool sixth = p == PH_SFC || p == PH_SIXTH || p == PH_ALL;
        bool leavers = p != PH_PRI;
        int64_t att_bias = rnorm(r, 0, ATT_SD[p]), fill = rnorm(r, 960000, 60000);
        int64_t post_share = p == PH_SIXTH ? runi(r, 120000, 220000) : runi(r, 60000, 120000);
        int64_t sat = rnorm(r, 935000, 30000);
        for (int c = 0; c < NCOMBO; c++) {
            fact_dec(b, s->id, c, "students.on_roll", s->roll[c], 2);
            if (CS[c] != 0) continue;
            int k = CY[c];
            int64_t N = pupils_of(s, c);
            int64_t post16 = p == PH_SFC ? N : sixth ? maxi(1, ppm_of(N, post_share)) : 0;
            if (sixth) fact_int(b, s->id, c, "students.post16", post16);
            if (s->pan > 0)
                fact_int(b, s->id, c, "students.intake",
                         ppm_of(s->pan, clampi(fill + rnorm(r, 0, 30000), 500000, 1100000)));
            int64_t possible = N * runi(r, 360, 380);
            int64_t att = clampi(ATT[p][k] + att_bias + rnorm(r, 0, ATT_SD[p] / 3), 450000, 990000);
            fact_int(b, s->id, c, "students.sessions_possible", possible);
            fact_int(b, s->id, c, "students.sessions_attended", ppm_of(possible, att));
            int64_t l18 = 0;
            if (sixth) {
                int64_t starters = maxi(1, ppm_of(post16, runi(r, 500000, 580000)));
                fact_int(b, s->id, c, "students.starters16", starters);
                fact_int(b, s->id, c, "students.retained16",
                         ppm_of(starters, clampi(rnorm(r, 890000, 40000), 600000, PPM)));
                l18 = maxi(1, ppm_of(post16, runi(r, 420000, 480000)));
            }
            if (leavers) {
                int64_t lv = p == PH_SFC ? l18 + ppm_of(post16, 50000)
                           : p == PH_SPECIAL ? maxi(1, N / 8)
                           : p == PH_AP ? maxi(1, ppm_of(N, runi(r, 300000, 600000)))
                           : maxi(1, (N - post16) / (p == PH_ALL ? 12 : 5) + l18);
                int64_t neet = ppm_of(lv, clampi(p == PH_AP ? rnorm(r, 50000, 30000) : rnorm(r, 10000, 8000),
                                                 0, 150000));
                int64_t sus = mini(lv - neet, ppm_of(lv, clampi(rnorm(r, 915000, 30000), 700000, PPM)));
                fact_int(b, s->id, c, "students.leavers", lv);
                fact_int(b, s->id, c, "students.neet", neet);
                fact_int(b, s->id, c, "students.sustained", sus);
            }
            if (sixth) {
                int64_t uni = ppm_of(l18, clampi(rnorm(r, 720000, 80000), 300000, 950000));
                int64_t rg = ppm_of(uni, clampi(rnorm(r, p == PH_SFC ? 240000 : 200000, 70000), 20000, 600000));
                fact_int(b, s->id, c, "students.leavers18", l18);
                fact_int(b, s->id, c, "students.university", uni);
                fact_int(b, s->id, c, "students.russell_group", rg);
            }
            int64_t resp = maxi(1, ppm_of(N, runi(r, 350000, 800000)));
            fact_int(b, s->id, c, "survey.students_positive",
                     ppm_of(resp, clampi(sat + rnorm(r, 0, 15000), 600000, PPM)));
            fact_int(b, s->id, c, "survey.students_responses", resp);
            int grade = s->grade;
            if (k == 2 && grade > 1 && rchance(r, 150000)) grade--;
            fact_int(b, s->id, c, "inspection.grade", grade);
            if ((p == PH_SEC || p == PH_SIXTH || p == PH_ALL) && k >= 1)
                fact_dec(b, s->id, c, "outcomes.p8_disadvantaged",
                         clampi(rnorm(r, -45, 30), -150, 80), 2);
        }
    }

    /* ---- staff.csv (teachers, turnover, absence, appraisal, timetable, classes) */
    static const int64_t PTR10[NPH] = {190, 160, 165, 175, 205, 65, 50};
    static const int64_t PTR10_SD[NPH] = {15, 12, 12, 12, 15, 10, 10};
    b = &o->staff;
    sb_puts(b, "institution,year,scenario,code,value\n");
    for (size_t i = 0; i < S; i++) {
        school *s = &sc[i];
        int p = s->ph;
        int64_t ptr = maxi(20, rnorm(r, PTR10[p], PTR10_SD[p]));
        int64_t P = p == PH_SFC ? 50 : (p == PH_PRI || p == PH_SPECIAL || p == PH_AP) ? 25
                  : (int64_t[]){50, 50, 50, 25, 30}[runi(r, 0, 4)];
        int64_t contact = p == PH_PRI ? rnorm(r, 830000, 40000)
                        : (p == PH_SPECIAL || p == PH_AP) ? rnorm(r, 850000, 40000)
                        : p == PH_SFC ? rnorm(r, 770000, 30000) : rnorm(r, 780000, 35000);
        int64_t mult = p == PH_PRI ? runi(r, 2300000, 3000000)
                     : p == PH_SPECIAL ? runi(r, 3500000, 5000000)
                     : p == PH_AP ? runi(r, 2500000, 3500000)
                     : p == PH_SFC ? runi(r, 1600000, 2000000) : runi(r, 1700000, 2200000);
        int64_t size10 = p == PH_PRI ? rnorm(r, 278, 13) : p == PH_SFC ? rnorm(r, 190, 12)
                       : p == PH_SPECIAL ? rnorm(r, 85, 10) : p == PH_AP ? rnorm(r, 65, 10)
                       : rnorm(r, 210, 12);
        int64_t six10 = rnorm(r, 110, 12), fte_ratio = runi(r, 780000, 900000);
        int64_t turnover = rnorm(r, 110000, 40000), absence = rnorm(r, 42000, 15000);
        int64_t good = rnorm(r, 910000, 50000), post_share = p == PH_SIXTH ? 170000 : 90000;
        for (int k = 0; k < 3; k++) {
            int c = ACTUALS[k];
            int64_t N = pupils_of(s, c);
            int64_t F10 = maxi(10, N * 100 / ptr);          /* FTE teachers, tenths */
            int64_t T = maxi(1, P * F10 * clampi(contact + rnorm(r, 0, 10000), 600000, 980000) / 10000000);
            int64_t head = maxi(2, F10 * ppm_of(mult, PPM + rnorm(r, 0, 30000)) / 10000000);
            int64_t wd10 = head * fte_ratio * 1950 / PPM;  /* working days, tenths */
            int64_t graded = maxi(1, F10 * 105 / 1000);
            int64_t post16 = p == PH_SFC ? N : (p == PH_SIXTH || p == PH_ALL) ? ppm_of(N, post_share) : 0;
            int64_t gpp = p == PH_SFC ? 3 : (p == PH_SEC || p == PH_SIXTH || p == PH_ALL) ? 10 : 1;
            int64_t main_pupils = maxi(1, (p == PH_SFC ? N : N - post16) * gpp);
            int64_t sz = maxi(30, size10 + rnorm(r, 0, 5));
            fact_dec(b, s->id, c, "staff.teacher_fte", F10, 1);
            fact_int(b, s->id, c, "staff.headcount", head);
            fact_int(b, s->id, c, "staff.leavers", ppm_of(head, clampi(turnover + rnorm(r, 0, 20000), 10000, 300000)));
            fact_dec(b, s->id, c, "staff.absence_days",
                     ppm_of(wd10, clampi(absence + rnorm(r, 0, 8000), 10000, 110000)), 1);
            fact_dec(b, s->id, c, "staff.working_days", wd10, 1);
            fact_int(b, s->id, c, "staff.graded_good",
                     ppm_of(graded, clampi(good + rnorm(r, 0, 20000), 600000, PPM)));
            fact_int(b, s->id, c, "staff.graded", graded);
            fact_int(b, s->id, c, "timetable.periods_per_cycle", P);
            fact_int(b, s->id, c, "timetable.teaching_periods", T);
            fact_int(b, s->id, c, "classes.main.count", maxi(1, (main_pupils * 10 + sz / 2) / sz));
            fact_int(b, s->id, c, "classes.main.pupils", main_pupils);
            if ((p == PH_SIXTH || p == PH_ALL) && post16 > 0) {
                int64_t sp = post16 * 3, s6 = maxi(50, six10 + rnorm(r, 0, 5));
                fact_int(b, s->id, c, "classes.sixth.count", maxi(1, (sp * 10 + s6 / 2) / s6));
                fact_int(b, s->id, c, "classes.sixth.pupils", sp);
            }
        }
    }
    {
        int64_t head0 = maxi(2, (int64_t)S * runi(r, 2, 5));
        for (int k = 0; k < 3; k++) {
            int c = ACTUALS[k];
            int64_t head = head0 + (int64_t)k * runi(r, 0, 2);
            int64_t wd10 = head * runi(r, 900000, 1000000) * 2100 / PPM;
            fact_int(b, "CENTRAL", c, "staff.headcount", head);
            fact_int(b, "CENTRAL", c, "staff.leavers", ppm_of(head, runi(r, 0, 200000)));
            fact_dec(b, "CENTRAL", c, "staff.absence_days", ppm_of(wd10, runi(r, 15000, 50000)), 1);
            fact_dec(b, "CENTRAL", c, "staff.working_days", wd10, 1);
        }
    }

    /* ---- governance.csv: each LGB (on its first school) and the trust board */
    b = &o->gov;
    sb_puts(b, "institution,year,scenario,code,value\n");
    for (size_t i = 0; i <= S; i++) {
        bool board = i == S;
        const char *iid = board ? "CENTRAL" : sc[i].id;
        if (!board && strcmp(sc[i].lgb, sc[i].id) != 0) continue;
        int64_t members = board ? runi(r, 7, 12) : runi(r, 8, 12);
        int64_t female = rnorm(r, board ? 420000 : 550000, 150000);
        int64_t meetings = board ? runi(r, 8, 12) : runi(r, 5, 7);
        int64_t attend = rnorm(r, board ? 880000 : 860000, 60000);
        for (int k = 0; k < 3; k++) {
            int c = ACTUALS[k];
            int64_t m = clampi(members + runi(r, -1, 1), 3, 15);
            int64_t possible = m * meetings;
            fact_int(b, iid, c, "gov.attended",
                     ppm_of(possible, clampi(attend + rnorm(r, 0, 30000), 500000, PPM)));
            fact_int(b, iid, c, "gov.possible", possible);
            fact_int(b, iid, c, "gov.members", m);
            fact_int(b, iid, c, "gov.members_female", ppm_of(m, clampi(female + rnorm(r, 0, 40000), 0, PPM)));
        }
    }

    /* ---- ambitions, actions, priorities, papers */
    static const char *const AMB[5][3] = {
        {"quality", "Quality of education",
         "Every academy good or better within three years of joining, with teaching that lets every pupil achieve well."},
        {"inclusion", "Inclusion and attendance",
         "Every pupil attends, belongs and progresses, whatever their starting point or needs."},
        {"people", "Our people",
         "Recruit, develop and keep great staff, with manageable workload and good wellbeing."},
        {"finance", "Financial sustainability",
         "Balanced budgets, healthy reserves and resources deployed where they make most difference to pupils."},
        {"growth", "Growth and partnership",
         "Grow in a measured way and work with schools, colleges and employers across the area."}};
    b = &o->ambitions;
    sb_puts(b, "id,title,summary\n");
    for (int a = 0; a < 5; a++) {
        sb_printf(b, "%s,", AMB[a][0]);
        sb_csv(b, AMB[a][1]);
        sb_putc(b, ',');
        sb_csv(b, AMB[a][2]);
        sb_putc(b, '\n');
    }
    static const char *const TRUST_ACT[][3] = {
        {"quality", "Complete a trust-wide curriculum review and agree the changes for next September", "Director of Education"},
        {"quality", "Run a peer review of every academy against the inspection framework", "Director of School Improvement"},
        {"inclusion", "Introduce first-day calling and attendance panels in every academy", "Director of Inclusion"},
        {"people", "Launch an early career teacher programme with a trained mentor for every new teacher", "Director of People"},
        {"people", "Cut staff absence through a wellbeing plan and return-to-work interviews", "HR Manager"},
        {"finance", "Set a balanced three-year budget for every academy and review the central charge", "Chief Financial Officer"},
        {"finance", "Carry out integrated curriculum and financial planning reviews of staffing", "Chief Financial Officer"},
        {"finance", "Build the rainy-day reserve to the level the board has set", "Chief Financial Officer"},
        {"growth", "Agree the growth strategy and the due-diligence process for schools joining", "Chief Executive Officer"},
    };
    static const char *const SCHOOL_ACT[][3] = {
        {"quality", "Raise the progress of disadvantaged pupils in English and mathematics", "Headteacher"},
        {"quality", "Embed the new assessment calendar and moderate standards with partner academies", "Deputy Headteacher"},
        {"inclusion", "Raise attendance to at least the national average", "Attendance Lead"},
        {"inclusion", "Reduce suspensions by strengthening the graduated behaviour response", "Deputy Headteacher"},
        {"people", "Develop middle leaders through the trust leadership programme", "Headteacher"},
        {"finance", "Bring staff costs within the trust's ceiling through a curriculum-led staffing plan", "School Business Manager"},
    };
    static const char *const EVIDENCE[5] = {
        "", "On plan at the last review", "Behind plan; recovery steps agreed with the trust",
        "Not on course to be met by the due date; revised plan to committee", "Completed and reported to the board"};
    static const char *const STATUS[5] = {"not_started", "on_track", "at_risk", "off_track", "complete"};
    b = &o->actions;
    sb_puts(b, "id,institution,ambition,plan,action,owner,due,status,updated,evidence\n");
    size_t nta = sizeof TRUST_ACT / sizeof *TRUST_ACT, nsa = sizeof SCHOOL_ACT / sizeof *SCHOOL_ACT;
    size_t nact = 3 + (S < 4 ? S : 4), tfirst = (size_t)runi(r, 0, (int64_t)nta - 1);
    for (size_t a = 0; a < nact; a++) {
        const char *const *tpl;
        const char *inst = "CENTRAL";
        if (a < 3) {
            tpl = TRUST_ACT[(tfirst + a * 3) % nta];
        } else {
            tpl = SCHOOL_ACT[(size_t)runi(r, 0, (int64_t)nsa - 1)];
            inst = sc[(size_t)runi(r, 0, (int64_t)S - 1)].id;
        }
        int due = (int)runi(r, 144, 163);     /* 2023-01 .. 2024-08 (months since 2011-01) */
        int day = (int)runi(r, 0, 2) == 0 ? 1 : (int)runi(r, 0, 1) ? 15 : 28;
        bool past = due < 154 || (due == 154 && day < 20);  /* before 2023-11-20 */
        int64_t u = runi(r, 0, 99);
        int st = past ? (u < 60 ? 4 : u < 80 ? 3 : 2) : (u < 15 ? 0 : u < 70 ? 1 : u < 90 ? 2 : 4);
        int upd = (int)runi(r, 1, 17);
        size_t amb = 0;
        while (strcmp(AMB[amb][0], tpl[0]) != 0) amb++;
        sb_printf(b, "A%02zu,%s,%s,", a + 1, inst, tpl[0]);
        sb_csv(b, AMB[amb][1]);
        sb_putc(b, ',');
        sb_csv(b, tpl[1]);
        sb_putc(b, ',');
        sb_csv(b, tpl[2]);
        sb_printf(b, ",%04d-%02d-%02d,%s,", 2011 + due / 12, due % 12 + 1, day, STATUS[st]);
        if (st != 0) sb_printf(b, "2023-%s-%02d", upd > 10 ? "11" : "10", upd > 10 ? upd - 10 : upd + 18);
        sb_putc(b, ',');
        sb_csv(b, EVIDENCE[st]);
        sb_putc(b, '\n');
    }
    static const char *const PRIO[][2] = {
        {"Improve the quality of teaching so that every pupil makes good progress", "quality"},
        {"Raise attendance and reduce persistent absence", "inclusion;quality"},
        {"Develop a broad, ambitious and well-sequenced curriculum", "quality;growth"},
        {"Recruit, develop and retain great staff", "people"},
        {"Use resources well and set a balanced budget", "finance"},
        {"Work with partner schools and employers to widen pupils' horizons", "growth;inclusion"},
    };
    static const char *const PRIO_PHASE[NPH][2] = {
        {"Improve post-16 retention and progression to university and apprenticeships", "quality;inclusion"},
        {"Improve post-16 retention and progression to university and apprenticeships", "quality;inclusion"},
        {"Raise attainment at GCSE in English and mathematics", "quality"},
        {"Strengthen transition between the primary and secondary phases", "quality;inclusion"},
        {"Strengthen early reading and phonics so that every child reads fluently", "quality"},
        {"Meet the needs of every pupil with an education, health and care plan", "inclusion;quality"},
        {"Return pupils successfully to mainstream education or on to sustained destinations", "inclusion"},
    };
    b = &o->prios;
    sb_puts(b, "institution,id,title,ambitions\n");
    size_t nprio = sizeof PRIO / sizeof *PRIO;
    for (size_t i = 0; i < S; i++) {
        const char *const *p1 = PRIO_PHASE[sc[i].ph], *const *p2 = PRIO[(size_t)runi(r, 0, (int64_t)nprio - 1)];
        sb_printf(b, "%s,%s-1,", sc[i].id, sc[i].id);
        sb_csv(b, p1[0]);
        sb_printf(b, ",%s\n%s,%s-2,", p1[1], sc[i].id, sc[i].id);
        sb_csv(b, p2[0]);
        sb_printf(b, ",%s\n", p2[1]);
    }
    b = &o->papers;
    sb_puts(b, "pack,meeting,reference,classification,author,purpose,recommendation\n");
    sbuf tmp = {0};
    sb_printf(&tmp, "To give trustees the performance of %s against its key performance indicators "
              "for 2022/23, with budget and forecast positions to 2025/26.", t->name);
    sb_puts(b, "board,2023-12-12,BoT 23/04,Confidential,Chief Executive Officer,");
    sb_csv(b, tmp.p);
    sb_puts(b, ",\"The Board is asked to note the KPI scorecard and the exceptions, and to agree the "
               "actions proposed for the red indicators.\"\n");
    sb_puts(b, "finance,2023-11-28,F&R 23/05,Confidential,Chief Financial Officer,\"To report the "
               "2022/23 outturn, the 2023/24 budget and the forecasts for 2024/25 and 2025/26 "
               "against the trust's financial KPIs.\",\"The Committee is asked to note the outturn "
               "and the forecast positions, and to recommend the three-year forecast to the "
               "Board.\"\n");
    sb_puts(b, "quality,2023-11-30,T&L 23/03,Official,Director of Education,\"To report 2022/23 "
               "attendance, outcomes, destinations and staff quality against the trust's "
               "targets.\",The Committee is asked to note the report and to challenge the red and "
               "amber indicators.\n");
    sb_puts(b, "lgb,2023-12-05,LGB 23/02,Official,Clerk to the Local Governing Bodies,\"To give each "
               "local governing body its academy's KPI scorecard and development-plan progress for "
               "2022/23.\",\"Governors are asked to note the scorecard, to challenge leaders on the "
               "red and amber indicators, and to agree the actions to be carried forward.\"\n");
    free(tmp.p);

    /* ---- national.csv: England benchmarks, as in fixtures/pet/national.csv */
    b = &o->national;
    static const char *const NAT_PH[5] = {"primary", "secondary", "secondary_sixth", "sixth_form_college", "all"};
    static const char *const NAT_ATT[3][5] = {{"0.956", "0.914", "0.914", "0.918", "0.934"},
                                              {"0.937", "0.911", "0.911", "0.903", "0.922"},
                                              {"0.941", "0.91", "0.91", "0.905", "0.924"}};
    static const char *const NAT_RET[3][3] = {{"0.89", "0.921", "0.905"}, {"0.882", "0.912", "0.897"},
                                              {"0.885", "0.915", "0.9"}};
    static const char *const NAT_STAFF[3][5] = {{"0.781", "0.772", "0.768", "0.709", "0.761"},
                                                {"0.786", "0.778", "0.774", "0.716", "0.768"},
                                                {"0.794", "0.785", "0.781", "0.722", "0.775"}};
    static const char *const NAT_SET[4] = {"27.1", "21.7", "21.7", "19"};
    sb_puts(b, "year,phase,code,value\n");
    for (int k = 0; k < 3; k++) {
        for (int p = 0; p < 5; p++) sb_printf(b, "%s,%s,attendance_pct,%s\n", YEAR_TXT[k], NAT_PH[p], NAT_ATT[k][p]);
        for (int p = 0; p < 3; p++)
            sb_printf(b, "%s,%s,retention16_pct,%s\n", YEAR_TXT[k], NAT_PH[p == 0 ? 2 : p == 1 ? 3 : 4], NAT_RET[k][p]);
        for (int p = 0; p < 5; p++) sb_printf(b, "%s,%s,staff_cost_pct,%s\n", YEAR_TXT[k], NAT_PH[p], NAT_STAFF[k][p]);
        for (int p = 0; p < 4; p++) sb_printf(b, "%s,%s,set_size_main,%s\n", YEAR_TXT[k], NAT_PH[p], NAT_SET[p]);
        sb_printf(b, "%s,secondary_sixth,set_size_sixth,11\n", YEAR_TXT[k]);
    }

    free(sc);
    free(ph);
    free(w);
    free(part);
    free(perm);
}

/* ------------------------------------------------------------------ output */

static void io_fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": cannot %s %s: %s\n", what, path, strerror(errno));
    exit(EXIT_IO);
}

static void mkdir_p(const char *dir)
{
    char *p = strdup(dir);
    if (!p) die_nomem();
    for (char *q = p + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) io_fail("create", p);
        *q = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) io_fail("create", p);
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        io_fail("use", p);
    }
    free(p);
}

/* Removes a directory of plain files (a data set this program wrote). */
static bool remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT;
    struct dirent *e;
    char path[4096];
    bool ok = true;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path || unlink(path) != 0)
            ok = false;
    }
    closedir(d);
    return rmdir(dir) == 0 && ok;
}

static void write_dataset(const char *out, const char *id, outbufs *o)
{
    char tmp[4096], old[4096], fin[4096], path[4200];
    long pid = (long)getpid();
    if (snprintf(tmp, sizeof tmp, "%s/.tmp.%s.%ld", out, id, pid) >= (int)sizeof tmp ||
        snprintf(old, sizeof old, "%s/.old.%s.%ld", out, id, pid) >= (int)sizeof old ||
        snprintf(fin, sizeof fin, "%s/%s", out, id) >= (int)sizeof fin) {
        fprintf(stderr, PROG ": output path too long: %s\n", out);
        exit(EXIT_IO);
    }
    remove_flat_dir(tmp);
    if (mkdir(tmp, 0777) != 0) io_fail("create", tmp);
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, FILES[i]);
        const sbuf *b = outbuf(o, i);
        FILE *f = fopen(path, "wb");
        if (!f) io_fail("create", path);
        size_t wrote = b->n ? fwrite(b->p, 1, b->n, f) : 0;
        int err = errno;
        if (fclose(f) != 0 || wrote != b->n) {
            if (wrote != b->n) errno = err;
            int e = errno;
            remove_flat_dir(tmp);
            errno = e;
            io_fail("write", path);
        }
    }
    struct stat st;
    if (lstat(fin, &st) == 0) {
        if (rename(fin, old) != 0) io_fail("move aside", fin);
        if (rename(tmp, fin) != 0) io_fail("rename into place", tmp);
        if (!(S_ISDIR(st.st_mode) ? remove_flat_dir(old) : unlink(old) == 0)) io_fail("remove", old);
    } else if (rename(tmp, fin) != 0) {
        io_fail("rename into place", tmp);
    }
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
    fputs("Usage: gen_national --mats FILE --out DIR [--seed N] [--limit K]\n"
          "  Writes DIR/mat<GIAS group UID>/, one boardpack data set per trust in FILE\n"
          "  (trust_name,gias_group_uid,schools,pupils_2020_21,grant_funding_2020_21).\n"
          "  --seed N   seed of the synthesised figures (default 1); same seed, same bytes\n"
          "  --limit K  only the first K trusts of FILE (the whole file is still checked)\n"
          "See docs/national-data.md.\n", f);
}

int main(int argc, char **argv)
{
    const char *mats = NULL, *out = NULL;
    uint64_t seed = 1, limit = 0;
    bool has_limit = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc || (strcmp(a, "--mats") != 0 && strcmp(a, "--out") != 0 &&
                              strcmp(a, "--seed") != 0 && strcmp(a, "--limit") != 0)) {
            fprintf(stderr, PROG ": %s \"%s\"\n", i + 1 >= argc && a[0] == '-' && a[1] == '-'
                    ? "missing value after" : "unknown argument", a);
            usage(stderr);
            return EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--mats") == 0) mats = v;
        else if (strcmp(a, "--out") == 0) out = v;
        else if (strcmp(a, "--seed") == 0) {
            if (!parse_uint(v, 19, &seed)) {
                fprintf(stderr, PROG ": --seed \"%s\": expected a whole number (up to 19 digits)\n", v);
                return EXIT_USAGE;
            }
        } else {
            if (!parse_uint(v, 9, &limit) || limit == 0) {
                fprintf(stderr, PROG ": --limit \"%s\": expected a whole number from 1\n", v);
                return EXIT_USAGE;
            }
            has_limit = true;
        }
    }
    if (!mats || !out || !*out) {
        fputs(PROG ": --mats and --out are required\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    size_t n_all;
    trust_in *t = load_mats(mats, &n_all);
    size_t n = has_limit && limit < n_all ? (size_t)limit : n_all;
    mkdir_p(out);
    outbufs o;
    memset(&o, 0, sizeof o);
    int64_t schools = 0, pupils = 0, grant = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "mat%" PRIu64, t[i].uid);
        gen_trust(&t[i], seed, &o);
        write_dataset(out, id, &o);
        schools += t[i].schools;
        pupils += t[i].pupils;
        grant += t[i].grant;
        for (size_t f = 0; f < NFILES; f++) bytes += outbuf(&o, f)->n;
    }
    sbuf msg = {0};
    sb_printf(&msg, PROG ": wrote %zu data sets to %s (%" PRId64 " academies, ", n, out, schools);
    put_scaled(&msg, pupils, 2);
    sb_puts(&msg, " pupils, grant £");
    put_money(&msg, grant);
    sb_printf(&msg, ", %zu bytes, seed %" PRIu64 ")\n", bytes, seed);
    if (fputs(msg.p, stdout) == EOF || fflush(stdout) != 0) io_fail("write", "standard output");
    for (size_t i = 0; i < NFILES; i++) free(outbuf(&o, i)->p);
    free(msg.p);
    for (size_t i = 0; i < n_all; i++) free(t[i].name);
    free(t);
    return 0;
}
