/* bp_manifest: an output set's inputs and outputs, written and checked. */
#include "bp_manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bp_ledger.h"
#include "bp_load.h"
#include "bp_model.h"
#include "bp_sha256.h"

#define HEAD "boardpack-manifest 1"
#define SUFFIX "-manifest.txt"

/* The SHA-256 and size of a regular file, read in pieces (a workbook can run to tens of
 * megabytes).  False when it is not a regular file or cannot be read; O_NONBLOCK: a FIFO
 * at the name never stalls the opening. */
static bool hash_file(const char *path, uint64_t *size, unsigned char sha[32])
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    bp_sha256_ctx c;
    bp_sha256_init(&c);
    unsigned char buf[1 << 16];
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            close(fd);
            return false;
        }
        if (r == 0) break;
        bp_sha256_update(&c, buf, (size_t)r);
        total += (uint64_t)r;
    }
    close(fd);
    bp_sha256_final(&c, sha);
    *size = total;
    return true;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

static bp_err add_input(bp_fingerprint *fp, size_t *cap, bool tmpl, const char *dir,
                        const char *name)
{
    char *path = join(dir, name);
    if (!path) return BP_ERR_NOMEM;
    unsigned char sha[32];
    uint64_t size;
    bool ok = hash_file(path, &size, sha);
    free(path);
    if (!ok) return BP_OK;
    if (fp->count == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        bp_manifest_input *ni = realloc(fp->items, *cap * sizeof *ni);
        if (!ni) return BP_ERR_NOMEM;
        fp->items = ni;
    }
    bp_manifest_input *in = &fp->items[fp->count];
    if (!(in->name = strdup(name))) return BP_ERR_NOMEM;
    in->template_file = tmpl;
    memcpy(in->sha256, sha, sizeof sha);
    fp->count++;
    return BP_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file SUB/NAME.EXT under templates_dir, in name order (as bp_pack_load_dir reads
 * the packs; a mapping.csv may include any of the mappings). */
static bp_err add_dir(bp_fingerprint *fp, size_t *cap, const char *templates_dir,
                      const char *sub, const char *ext)
{
    char *dir = join(templates_dir, sub);
    if (!dir) return BP_ERR_NOMEM;
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, elen = strlen(ext), slen = strlen(sub);
    bp_err err = BP_OK;
    struct dirent *e;
    while (d && err == BP_OK && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= elen || strcmp(e->d_name + l - elen, ext) != 0) continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn) {
            err = BP_ERR_NOMEM;
            break;
        }
        names = nn;
        if (!(names[n] = malloc(slen + l + 2))) {
            err = BP_ERR_NOMEM;
            break;
        }
        snprintf(names[n++], slen + l + 2, "%s/%s", sub, e->d_name);
    }
    if (d) closedir(d);
    free(dir);
    if (n) qsort(names, n, sizeof *names, str_cmp);
    for (size_t i = 0; i < n; i++) {
        if (err == BP_OK) err = add_input(fp, cap, true, templates_dir, names[i]);
        free(names[i]);
    }
    free(names);
    return err;
}

bp_err bp_fingerprint_take(const char *data_dir, const char *templates_dir, bp_fingerprint *fp)
{
    memset(fp, 0, sizeof *fp);
    size_t cap = 0;
    bp_err err = BP_OK;
    for (size_t i = 0; i < bp_load_nfiles && err == BP_OK; i++)
        err = add_input(fp, &cap, false, data_dir, bp_load_files[i]);
    if (err == BP_OK) err = add_input(fp, &cap, false, data_dir, "kpis.kpi");
    if (err == BP_OK) err = add_input(fp, &cap, true, templates_dir, "kpis/default.kpi");
    /* the pack templates as bp_pack_load_dir reads them: every NAME.pack, in name order */
    if (err == BP_OK) err = add_dir(fp, &cap, templates_dir, "packs", ".pack");
    /* the ledger import: the mapping, the shipped mappings it may include, the ledgers in
     * name order (a data set without them fingerprints as before) */
    size_t before = fp->count;
    if (err == BP_OK) err = add_input(fp, &cap, false, data_dir, "mapping.csv");
    if (err == BP_OK && fp->count > before) err = add_dir(fp, &cap, templates_dir, "mappings", ".csv");
    char **ledgers = NULL;
    size_t nledgers = 0;
    if (err == BP_OK) err = bp_ledger_names(data_dir, &ledgers, &nledgers);
    for (size_t i = 0; i < nledgers; i++) {
        if (err == BP_OK) err = add_input(fp, &cap, false, data_dir, ledgers[i]);
        free(ledgers[i]);
    }
    free(ledgers);
    if (err != BP_OK) bp_fingerprint_free(fp);
    return err;
}

void bp_fingerprint_free(bp_fingerprint *fp)
{
    for (size_t i = 0; i < fp->count; i++) free(fp->items[i].name);
    free(fp->items);
    memset(fp, 0, sizeof *fp);
}

static bool is_contract_file(const char *name)
{
    for (size_t i = 0; i < bp_load_nfiles; i++)
        if (strcmp(bp_load_files[i], name) == 0) return true;
    return false;
}

void bp_manifest_name(const char *base, char *buf, size_t size)
{
    snprintf(buf, size, "%s" SUFFIX, base);
}

/* --pack as the manifest records it: "*" for every pack, else the ids sorted, each once. */
static char *packs_text(const char *const *packs, size_t n)
{
    if (!n) return strdup("*");
    const char **v = malloc(n * sizeof *v);
    size_t len = 1;
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = packs[i];
        len += strlen(packs[i]) + 1;
    }
    qsort(v, n, sizeof *v, str_cmp);
    char *out = malloc(len), *p = out;
    if (out) {
        *p = 0;
        for (size_t i = 0; i < n; i++) {
            if (i && strcmp(v[i], v[i - 1]) == 0) continue;
            p += sprintf(p, "%s%s", p == out ? "" : " ", v[i]);
        }
    }
    free(v);
    return out;
}

bp_err bp_manifest_write(FILE *fp, const bp_manifest_info *info, const bp_outset *set, size_t n,
                         bp_diags *diags)
{
    char *packs = packs_text(info->packs, info->npacks);
    if (!packs) return BP_ERR_NOMEM;
    char year[16], hex[65];
    bp_year_format(info->year, year, sizeof year);
    fprintf(fp, "%s\nversion %s\nyear %s %s\npacks %s\nepoch %" PRId64 " %s\n", HEAD, BP_VERSION,
            year, info->report_year ? "report_year" : "option", packs, info->epoch,
            info->epoch_from_env ? "SOURCE_DATE_EPOCH" : "as_of");
    /* only in a published set, so that every other manifest reads as before */
    if (info->publish) fprintf(fp, "publish suppress_max %" PRId64 "\n", info->suppress_max);
    free(packs);
    /* the contract's files as the loader read them, then kpis.kpi and the templates: the
     * order bp_fingerprint_take lists them in */
    for (size_t i = 0; i < info->nloaded; i++) {
        /* mapping.csv and the ledgers come after the templates, as bp_fingerprint_take
         * lists them */
        if (!info->loaded[i].present || !is_contract_file(info->loaded[i].name)) continue;
        bp_sha256_hex(info->loaded[i].sha256, hex);
        fprintf(fp, "input %s %s\n", hex, info->loaded[i].name);
    }
    for (size_t i = 0; i < info->inputs->count; i++) {
        const bp_manifest_input *in = &info->inputs->items[i];
        if (!in->template_file && is_contract_file(in->name)) continue;
        bp_sha256_hex(in->sha256, hex);
        fprintf(fp, "%s %s %s\n", in->template_file ? "template" : "input", hex, in->name);
    }
    size_t dl = strlen(set->dir) + 1;
    for (size_t i = 0; i < n; i++) {
        const bp_outfile *f = &set->files[i];
        unsigned char sha[32];
        uint64_t size;
        if (!f->tmp || !hash_file(f->tmp, &size, sha)) {
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot read the output file back "
                        "for the manifest: %s", strerror(errno));
            return BP_ERR_IO;
        }
        bp_sha256_hex(sha, hex);
        fprintf(fp, "output %s %" PRIu64 " %s\n", hex, size, f->final + dl);
    }
    fputs("end\n", fp);
    return BP_OK;
}

/* ---- checking ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
    if (!*s) return false;
    uint64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10) return false;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return true;
}

/* The next line without its line break; NULL at the end or on a line without one. */
static char *next_line(FILE *f, char **line, size_t *cap)
{
    ssize_t n = getline(line, cap, f);
    if (n <= 0 || (*line)[n - 1] != '\n') return NULL;
    (*line)[n - 1] = 0;
    return *line;
}

/* "KEY REST": REST when line starts with KEY and a space. */
static const char *after(const char *line, const char *key)
{
    size_t n = strlen(key);
    return line && strncmp(line, key, n) == 0 && line[n] == ' ' ? line + n + 1 : NULL;
}

/* The number of output files the manifest at path lists when it is current (above), else
 * 0. */
static size_t check_manifest(const char *dir, const char *path, const bp_fingerprint *now,
                             const char *packs, const char *sde)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return 0;
    FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "rb") : NULL;
    if (!f) {
        close(fd);
        return 0;
    }
    char *line = NULL, hex[65];
    size_t cap = 0;
    const char *v;
    bool ok = (v = next_line(f, &line, &cap)) && strcmp(v, HEAD) == 0
              && (v = after(next_line(f, &line, &cap), "version")) && strcmp(v, BP_VERSION) == 0
              && (v = after(next_line(f, &line, &cap), "year")) && (v = strchr(v, ' '))
              && strcmp(v + 1, "report_year") == 0
              && (v = after(next_line(f, &line, &cap), "packs")) && strcmp(v, packs) == 0
              && (v = after(next_line(f, &line, &cap), "epoch"));
    if (ok) {
        /* dated as this run would date it */
        const char *from = strchr(v, ' ');
        uint64_t was, want;
        if (!from) ok = false;
        else if (sde && *sde)
            ok = strcmp(from + 1, "SOURCE_DATE_EPOCH") == 0 && parse_u64(sde, &want)
                 && sscanf(v, "%" SCNu64, &was) == 1 && was == want;
        else ok = strcmp(from + 1, "as_of") == 0;
    }
    /* the inputs, exactly those of now, in the same order */
    for (size_t i = 0; ok && i < now->count; i++) {
        const bp_manifest_input *in = &now->items[i];
        bp_sha256_hex(in->sha256, hex);
        v = after(next_line(f, &line, &cap), in->template_file ? "template" : "input");
        ok = v && strncmp(v, hex, 64) == 0 && v[64] == ' ' && strcmp(v + 65, in->name) == 0;
    }
    /* every output there, whole */
    size_t outputs = 0;
    while (ok && (v = next_line(f, &line, &cap)) && strcmp(v, "end") != 0) {
        const char *rest = after(v, "output"), *name;
        char *end;
        ok = rest && strlen(rest) > 66 && rest[64] == ' ';
        if (!ok) break;
        unsigned long long size = strtoull(rest + 65, &end, 10);
        name = end + 1;
        ok = *end == ' ' && end > rest + 65 && *name && *name != '.' && !strchr(name, '/');
        char *p = ok ? malloc(strlen(dir) + strlen(name) + 2) : NULL;
        if (!p) {
            ok = false;
            break;
        }
        sprintf(p, "%s/%s", dir, name);
        unsigned char sha[32];
        uint64_t got;
        ok = hash_file(p, &got, sha) && got == size;
        free(p);
        if (ok) {
            bp_sha256_hex(sha, hex);
            ok = strncmp(rest, hex, 64) == 0;
        }
        outputs++;
    }
    /* ended by "end", nothing after it */
    ok = ok && v && outputs > 0 && getline(&line, &cap, f) < 0;
    free(line);
    fclose(f);
    return ok ? outputs : 0;
}

size_t bp_manifest_current(const char *dir, const bp_fingerprint *now, const char *const *packs,
                           size_t npacks, const char *source_date_epoch)
{
    char *want = packs_text(packs, npacks);
    DIR *d = want ? opendir(dir) : NULL;
    size_t found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l <= sizeof SUFFIX - 1
            || strcmp(e->d_name + l - (sizeof SUFFIX - 1), SUFFIX) != 0)
            continue;
        char *p = join(dir, e->d_name);
        size_t outputs = p ? check_manifest(dir, p, now, want, source_date_epoch) : 0;
        if (outputs) found = outputs + 1;
        free(p);
    }
    if (d) closedir(d);
    free(want);
    return found;
}
