/* bp_money: exact parsing of spreadsheet numbers into int64 pence or millionths, and
 * UK money formatting.  No floating point anywhere: a value is read digit by digit. */
#include "bp_money.h"

#include <stdio.h>
#include <string.h>

#include "bp_util.h"

/* The two grammars differ only in these settings. */
typedef struct {
    bool pound;          /* '£' allowed */
    int max_dp;          /* decimal places */
    int64_t scale;       /* 10^max_dp */
    int64_t max_whole;   /* largest whole part accepted */
    const char *why_generic, *why_dp, *why_big;
} grammar;

static const grammar money_grammar = {
    true, 2, 100, 90000000000000LL,
    "expected money in pounds, such as 1234.50, \xC2\xA3" "1,234.50, -1,200 or (1,200)",
    "expected money in pounds with at most 2 decimal places",
    "expected money no larger than \xC2\xA3" "90,000,000,000,000.00 either way",
};

static const grammar quantity_grammar = {
    false, 6, 1000000, 9000000000000LL,
    "expected a number, such as 1234, 1,234 or 12.5",
    "expected a number with at most 6 decimal places",
    "expected a number no larger than 9,000,000,000,000 either way",
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool fail(const char **why, size_t *col, const char *msg, size_t at)
{
    if (why) *why = msg;
    if (col) *col = at;
    return false;
}

/* Explains the first character that does not fit, more precisely than "stray". */
static bool stray(const grammar *g, const char *s, size_t i, const char **why, size_t *col)
{
    char c = s[i];
    if (c == 'e' || c == 'E')
        return fail(why, col, "expected a plain number without an exponent (write 1200, not 1.2e3)", i);
    if (c == '%') return fail(why, col, "expected a number without a % sign", i);
    return fail(why, col, g->why_generic, i);
}

static bool parse(const grammar *g, const char *s, size_t len, int64_t *out, const char **why,
                  size_t *col)
{
    size_t i = 0, end = len;
    while (i < end && is_blank(s[i])) i++;
    while (end > i && is_blank(s[end - 1])) end--;
    if (i == end) return fail(why, col, g->why_generic, 0);

    bool neg = false, paren = false, sign = false;
    if (s[i] == '(') {
        if (s[end - 1] != ')') return fail(why, col, "expected a closing bracket after a bracketed amount", end - 1);
        paren = true;
        i++;
        end--;
        while (i < end && is_blank(s[i])) i++;
        while (end > i && is_blank(s[end - 1])) end--;
    }
    if (i < end && (s[i] == '-' || s[i] == '+')) {
        if (paren) return fail(why, col, "expected either brackets or a sign, not both", i);
        neg = s[i] == '-';
        sign = true;
        i++;
    }
    if (g->pound && end - i >= 2 && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA3) {
        i += 2;
        /* "£-5" is what some spreadsheets write for -5 */
        if (i < end && (s[i] == '-' || s[i] == '+') && !sign) {
            if (paren) return fail(why, col, "expected either brackets or a sign, not both", i);
            neg = s[i] == '-';
            i++;
        }
    }

    int64_t whole = 0;
    int digits = 0, group = 0;   /* digits in the current comma group */
    bool commas = false;
    size_t first = i;            /* the whole part's first digit */
    for (; i < end; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (whole > g->max_whole / 10 + 1) return fail(why, col, g->why_big, i);
            whole = whole * 10 + (c - '0');
            digits++;
            group++;
        } else if (c == ',') {
            if (digits == 0 || (commas ? group != 3 : group > 3))
                return fail(why, col, "expected thousands separated by commas in groups of three digits", i);
            /* the contract's [1-9][0-9]{0,2}(,[0-9]{3})+: "0,125" is a decimal comma, which
             * read as thousands would be 125 - a thousand times the figure meant */
            if (!commas && s[first] == '0')
                return fail(why, col, "expected a decimal point, not a comma (0.125), or thousands "
                            "separated by commas after a first digit of 1 to 9 (1,250)", i);
            commas = true;
            group = 0;
        } else {
            break;
        }
    }
    if (commas && group != 3)
        return fail(why, col, "expected thousands separated by commas in groups of three digits", i);
    if (whole > g->max_whole) return fail(why, col, g->why_big, i);

    int64_t frac = 0;
    int dp = 0;
    if (i < end && s[i] == '.') {
        size_t dot = i++;
        for (; i < end && is_digit(s[i]); i++) {
            if (dp == g->max_dp) return fail(why, col, g->why_dp, i);
            frac = frac * 10 + (s[i] - '0');
            dp++;
        }
        if (dp == 0 && (i == end || !is_digit(s[i])) && digits == 0)
            return fail(why, col, g->why_generic, dot);
        if (dp == 0) return fail(why, col, "expected digits after the decimal point", dot);
    }
    if (i < end) return stray(g, s, i, why, col);
    if (digits == 0 && dp == 0) return fail(why, col, g->why_generic, i < len ? i : 0);
    for (int k = dp; k < g->max_dp; k++) frac *= 10;
    if (whole == g->max_whole && frac > 0) return fail(why, col, g->why_big, 0);
    int64_t v = whole * g->scale + frac;
    *out = (neg || paren) ? -v : v;
    return true;
}

bool bp_money_parse(const char *s, size_t len, int64_t *pence, const char **why, size_t *col)
{
    return parse(&money_grammar, s, len, pence, why, col);
}

bool bp_money_parse_ledger(const char *s, size_t len, int64_t *pence, const char **why,
                           size_t *col)
{
    size_t end = len;
    while (end && is_blank(s[end - 1])) end--;
    /* the suffix a finance system writes after the figure: "1,200.00-", "1,200.00 CR" */
    int suffix = 0;   /* 1: DR, -1: CR or a trailing minus */
    size_t cut = end;
    if (end >= 2) {
        char a = s[end - 2], b = s[end - 1];
        if ((a == 'D' || a == 'd') && (b == 'R' || b == 'r')) suffix = 1;
        else if ((a == 'C' || a == 'c') && (b == 'R' || b == 'r')) suffix = -1;
        if (suffix) cut = end - 2;
    }
    if (!suffix && end && s[end - 1] == '-') {
        suffix = -1;
        cut = end - 1;
    }
    if (!suffix) return bp_money_parse(s, len, pence, why, col);
    size_t i = 0;
    while (i < cut && is_blank(s[i])) i++;
    if (i == cut) return fail(why, col, "expected an amount before the DR, CR or minus", cut);
    if (s[i] == '-' || s[i] == '+' || s[i] == '(')
        return fail(why, col, "expected either a sign or brackets or a trailing DR, CR or minus, "
                    "not both", i);
    if (!bp_money_parse(s, cut, pence, why, col)) return false;
    if (suffix < 0) *pence = -*pence;
    return true;
}

bool bp_quantity_parse(const char *s, size_t len, int64_t *micros, const char **why, size_t *col)
{
    return parse(&quantity_grammar, s, len, micros, why, col);
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

void bp_money_format(int64_t pence, bool force_pence, char *buf, size_t size)
{
    /* whole pounds with thousands commas, from the unsigned magnitude (so INT64_MIN is safe) */
    uint64_t m = magnitude(pence);
    char digits[32];
    digits[sizeof digits - 1] = '\0';
    const char *pounds = bp_digits_before(m / 100, true, digits + sizeof digits - 1);
    unsigned p = (unsigned)(m % 100);
    const char *sign = pence < 0 ? "-" : "";
    if (p || force_pence)
        snprintf(buf, size, "%s\xC2\xA3%s.%02u", sign, pounds, p);
    else
        snprintf(buf, size, "%s\xC2\xA3%s", sign, pounds);
}

void bp_money_format_plain(int64_t pence, char *buf, size_t size)
{
    uint64_t m = magnitude(pence);
    snprintf(buf, size, "%s%llu.%02u", pence < 0 ? "-" : "", (unsigned long long)(m / 100),
             (unsigned)(m % 100));
}
