/* bp_previous: "since the last pack" (--previous; contract v2, "Comparisons with a previous
 * pack").  A previous pack is read from a data set folder (loaded and evaluated with its
 * own KPI files) or from a results JSON boardpack wrote; its reported results are matched
 * to this pack's on (kpi, scope, entity, year, scenario) and each of this pack's results
 * gets the previous value and status and its movement: new, cleared, worse, better or
 * unchanged, distances measured against the current target, both values rounded to the
 * nearest double first so that a folder and its own results JSON give the same movements. */
#ifndef BP_PREVIOUS_H
#define BP_PREVIOUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_model.h"
#include "bp_num.h"

/* The period of an annual pack: after M12 (the contract's ordering of packs). */
#define BP_PERIOD_ANNUAL 13

/* One reported result of the previous pack, by the ids its JSON gives. */
typedef struct {
    char *kpi, *scope, *entity, *scenario;
    int year;
    bp_num value;            /* !ok: null (no data) */
    double dvalue;           /* the value rounded to the nearest double, as its JSON reads */
    bp_status status;
    bool suppressed;         /* withheld there (its JSON's "suppressed") or, a folder read
                                for build --publish, by this pack's suppression rules */
} bp_prev_result;

typedef struct bp_prevpack {
    char *path;              /* as given to --previous */
    bool from_json;          /* a results JSON (else a data set folder) */
    char *trust;             /* its trust id */
    char *trust_name;
    int report_year;
    int period;              /* 1..12 (M01..M12), BP_PERIOD_ANNUAL for an annual pack */
    bool later;              /* later than the pack it is compared with (bp_previous_apply) */
    int64_t suppress_max;    /* build --publish: this pack's suppress_max; 0: not publishing */
    bool published;          /* a results JSON written by build --publish (every result
                                says whether it is "suppressed") */
    bp_prev_result *v;       /* its reported results, sorted by their ids */
    size_t n;
} bp_prevpack;

/* Reads the previous pack at path: a folder is a data set (templates as for
 * bp_session_open); anything else a results JSON.  Errors: the folder's own data errors
 * (file names prefixed with path: "prev/finance.csv:3:9"), BP_ERR_DATA and the rest as
 * bp_session_open gives them; a JSON that is malformed (path:line:column), not a results
 * JSON of boardpack (a schema other than boardpack-results/1, /2 - earlier versions', a
 * result an object - or /3, grouped) or not shaped as one, and a
 * path that is neither: BP_ERR_USAGE (exit 2).  suppress_max > 0 (build --publish): a
 * folder's results are suppressed as this pack's are, with this pack's suppress_max
 * (bp_suppress_apply), and a published JSON's "suppressed" results are kept withheld. */
bp_err bp_previous_load(const char *path, const char *templates, int64_t suppress_max,
                        bp_prevpack *out, bp_diags *diags);
void bp_previous_free(bp_prevpack *p);

/* Compares r (this pack: trust m, period `period`) with p: every result's previous_* and
 * movement, and r->previous = p.  Another trust is BP_ERR_USAGE ("--previous PATH is trust
 * X, this is trust Y"); a later previous pack a warning (p->later), the movements given.
 * Publishing (p->suppress_max > 0): a previous result withheld there, and from a JSON
 * written without --publish every result of a KPI that counts people (its numerator and
 * denominator are not in the JSON, so it cannot be checked; a warning), leaves the result
 * previous_suppressed, without previous value, status or movement. */
bp_err bp_previous_apply(bp_results *r, const bp_model *m, int period, bp_prevpack *p,
                         bp_diags *diags);

/* The previous result a result of this pack matches (p->v sorted, as bp_previous_load
 * leaves it), by ids: the same scenario; for "outturn", the outturn, else the actual, else
 * the forecast, else the budget of the year.  NULL: absent. */
const bp_prev_result *bp_previous_match(const bp_prevpack *p, const char *kpi, const char *scope,
                                        const char *entity, int year, const char *scenario);

/* The period of a loaded data set's pack: trust.csv's period (1..12) in in-year mode,
 * else BP_PERIOD_ANNUAL. */
int bp_previous_pack_period(const bp_model *m);

/* A value as its results JSON carries it, read back: money to whole pence, anything else
 * through %.17g - the nearest double, the same from a folder as from its JSON. */
double bp_previous_double(const bp_kpi *k, bp_num v);

/* The contract's movement of a result now (its value cur_v as bp_previous_double gives it)
 * against its previous result (NULL: absent): an enum bp_movement, or -1 for none. */
int bp_previous_movement(const bp_kpi *k, const bp_result *cur, double cur_v,
                         const bp_prev_result *prev);

/* A pack's year and period as messages name it: "2023/24" (annual) or "2023/24 M04". */
void bp_previous_pack_label(int year, int period, char *buf, size_t size);

/* "new", "cleared", "worse", "better", "unchanged"; NULL for -1. */
const char *bp_movement_id(int movement);

#endif
