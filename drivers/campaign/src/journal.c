/* trials.csv: one line per finished trial, appended and synced as trials
 * finish, each line closed by a CRC-32 of its text so a torn or damaged line
 * is recognised and dropped when the campaign resumes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/campaign.h"
#include "ftsa/fileio.h"
#include "ftsa/numparse.h"

static const char header[] =
    "config_hash,seed,point,trial,curve,rate,trial_seed,images,correct,accuracy,faults,crc\n";

size_t ftsa_camp_row_format(const ftsa_camp_t *camp, const ftsa_camp_row_t *row, char *buf,
                            size_t size)
{
    const ftsa_camp_point_t *pt = &camp->plan.points[row->point];
    int n = snprintf(buf, size, "%016" PRIx64 ",%" PRIu64 ",%u,%u,%s,%.17g,%016" PRIx64 ",%u,%u,%.4f,%u,",
                     camp->hash, camp->cfg.seed, row->point, row->trial,
                     camp->plan.curves[pt->curve].name, pt->rate, row->trial_seed, row->images,
                     row->correct, row->images ? 100.0 * row->correct / row->images : 0.0,
                     row->faults);
    if (n < 0 || (size_t)n + 10 >= size)
        return 0;
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)buf, (uInt)n);
    n += snprintf(buf + n, size - n, "%08x\n", crc);
    return (size_t)n;
}

/* Strict hex (up to 16 digits) or decimal field: no sign, blanks or octal. */
static int hex_field(const char *f, uint64_t *v)
{
    size_t n = strlen(f);
    if (n == 0 || n > 16 || strspn(f, "0123456789abcdefABCDEF") != n)
        return -1;
    *v = strtoull(f, NULL, 16);
    return 0;
}

static int u32_field(const char *f, uint32_t *v)
{
    uint64_t x;
    if (ftsa_parse_uint(f, UINT32_MAX, &x))
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* Parse one complete line (without its newline): 0 if it is intact, -1 if
 * its CRC says it is torn or damaged (dropped on resume), or the 1-based
 * number of a field whose CRC-protected text is malformed or out of range
 * (an error: the line was written so, not damaged). */
static int parse_line(const char *line, size_t len, uint64_t *hash, uint64_t *seed,
                      ftsa_camp_row_t *row)
{
    if (len < 10 || line[len - 9] != ',')
        return -1;
    char crc_text[9];
    memcpy(crc_text, line + len - 8, 8);
    crc_text[8] = '\0';
    uint64_t crc;
    if (hex_field(crc_text, &crc) || crc != crc32(0L, (const Bytef *)line, (uInt)(len - 8)))
        return -1;
    char buf[1024];
    if (len >= sizeof buf || memchr(line, '\0', len))
        return 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    /* hash,seed,point,trial,curve,rate,trial_seed,images,correct,accuracy,faults,crc */
    char *f[12];
    int nf = 0;
    for (char *p = buf; nf < 12; nf++) {
        f[nf] = p;
        char *comma = strchr(p, ',');
        if (!comma) {
            nf++;
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    if (nf != 12 || strchr(f[11], ','))
        return nf < 12 ? nf + 1 : 12;
    memset(row, 0, sizeof *row);
    if (hex_field(f[0], hash))
        return 1;
    if (ftsa_parse_u64(f[1], seed))
        return 2;
    if (u32_field(f[2], &row->point))
        return 3;
    if (u32_field(f[3], &row->trial))
        return 4;
    if (hex_field(f[6], &row->trial_seed))
        return 7;
    if (u32_field(f[7], &row->images))
        return 8;
    if (u32_field(f[8], &row->correct))
        return 9;
    if (u32_field(f[10], &row->faults))
        return 11;
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    const ftsa_camp_row_t *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

static const char *const field_names[12] = {
    "config_hash", "seed", "point", "trial", "curve", "rate", "trial_seed", "images", "correct",
    "accuracy", "faults", "crc"};

ftsa_status_t ftsa_camp_journal_parse(const ftsa_camp_t *camp, const char *text, size_t len,
                                      const char *name, ftsa_camp_journal_t *j, ftsa_err_t *err)
{
    memset(j, 0, sizeof *j);
    const size_t hlen = sizeof header - 1;
    if (len < hlen || memcmp(text, header, hlen)) {
        /* A header cut short by a kill while the file was created is torn, not foreign. */
        if (len < hlen && !memcmp(text, header, len)) {
            j->dropped = len > 0;
            return FTSA_OK;
        }
        return ftsa_fail(err, FTSA_E_FORMAT, "%s: not a campaign trials file (bad header)", name);
    }
    uint64_t total = camp->plan.n_trials;
    /* Every row but a torn last one ends in a newline: no more rows than newlines. */
    uint64_t lines = 0;
    for (const char *p = text + hlen; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
        lines++;
    uint64_t cap = lines < total ? lines : total;
    uint8_t *seen = calloc(total ? total : 1, 1);
    j->rows = malloc((cap ? cap : 1) * sizeof *j->rows);
    if (!seen || !j->rows) {
        free(seen);
        ftsa_camp_journal_free(j);
        return ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory", name);
    }
    ftsa_status_t st = FTSA_OK;
    uint64_t lineno = 2; /* line 1 is the header */
    for (size_t pos = hlen; pos < len && !st; lineno++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        pos += llen + 1;
        uint64_t hash, seed;
        ftsa_camp_row_t row;
        int bad = nl ? parse_line(line, llen, &hash, &seed, &row) : -1;
        if (bad < 0) {
            j->dropped++; /* torn (no newline) or damaged (CRC) */
            continue;
        }
        if (bad) {
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s:%" PRIu64 ": field %d (%s) is malformed or out "
                           "of range", name, lineno, bad, field_names[bad - 1]);
            break;
        }
        if (hash != camp->hash) {
            st = ftsa_fail(err, FTSA_E_INVALID,
                           "%s:%" PRIu64 ": holds trials of another campaign (config hash %016"
                           PRIx64 ", this one is %016" PRIx64 "); use another output directory or "
                           "--fresh", name, lineno, hash, camp->hash);
            break;
        }
        if (seed != camp->cfg.seed || row.point >= camp->plan.n_points ||
            row.trial >= camp->plan.points[row.point].trials ||
            row.trial_seed != ftsa_camp_trial_seed(camp->cfg.seed, row.point, row.trial) ||
            row.images != camp->cfg.images || row.correct > row.images) {
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s:%" PRIu64 ": trial does not belong to this "
                           "campaign's plan", name, lineno);
            break;
        }
        uint64_t idx = ftsa_camp_trial_index(&camp->plan, row.point, row.trial);
        if (seen[idx]) {
            j->dropped++;
            continue;
        }
        seen[idx] = 1;
        j->rows[j->n++] = row;
    }
    free(seen);
    if (st) {
        ftsa_camp_journal_free(j);
        return st;
    }
    qsort(j->rows, j->n, sizeof *j->rows, cmp_row);
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_journal_load(const ftsa_camp_t *camp, const char *path,
                                     ftsa_camp_journal_t *j, ftsa_err_t *err)
{
    memset(j, 0, sizeof *j);
    if (access(path, F_OK) && errno == ENOENT)
        return FTSA_OK; /* a missing journal is an empty one */
    /* A row is at most 1 KB (ftsa_camp_row_format); room for torn and duplicated ones. */
    uint64_t max = 4096 + (camp->plan.n_trials + 16) * 4096;
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, max > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)max, &buf,
                                      &len, err);
    if (st)
        return st;
    st = ftsa_camp_journal_parse(camp, (const char *)buf, len, path, j, err);
    free(buf);
    return st;
}

void ftsa_camp_journal_free(ftsa_camp_journal_t *j)
{
    free(j->rows);
    memset(j, 0, sizeof *j);
}

static ftsa_status_t write_full(int fd, const char *buf, size_t len, const char *path,
                                ftsa_err_t *err)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return ftsa_fail(err, FTSA_E_IO, "%s: write failed: %s", path, strerror(errno));
        buf += w;
        len -= (size_t)w;
    }
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_journal_rewrite(const ftsa_camp_t *camp, const char *path,
                                        const ftsa_camp_journal_t *j, ftsa_err_t *err)
{
    ftsa_atomic_t a;
    ftsa_status_t st = ftsa_atomic_begin(&a, path, err);
    if (st)
        return st;
    int ok = fwrite(header, 1, sizeof header - 1, a.f) == sizeof header - 1;
    char line[1024];
    for (uint32_t i = 0; i < j->n && ok; i++) {
        size_t n = ftsa_camp_row_format(camp, &j->rows[i], line, sizeof line);
        if (!n) {
            ftsa_atomic_abort(&a);
            return ftsa_fail(err, FTSA_E_INVALID, "%s: row too long", a.tmp);
        }
        ok = fwrite(line, 1, n, a.f) == n;
    }
    return ftsa_atomic_commit(&a, ok, err);
}

ftsa_status_t ftsa_camp_journal_open(const char *path, int *fd, ftsa_err_t *err)
{
    /* Never append through a symlink or into a FIFO or device. */
    ftsa_status_t st = ftsa_check_output(path, err);
    if (st)
        return st;
    *fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (*fd < 0)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot open for appending: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(*fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(*fd);
        return ftsa_fail(err, FTSA_E_IO, "%s: not a regular file; refusing to append to it", path);
    }
    if (sb.st_size == 0) {
        st = write_full(*fd, header, sizeof header - 1, path, err);
        if (st) {
            close(*fd);
            return st;
        }
    }
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_journal_append(const ftsa_camp_t *camp, int fd, const ftsa_camp_row_t *row,
                                       ftsa_err_t *err)
{
    char line[1024];
    size_t n = ftsa_camp_row_format(camp, row, line, sizeof line);
    if (!n)
        return ftsa_fail(err, FTSA_E_INVALID, "trials.csv: row too long");
    /* One write() with O_APPEND: rows of concurrent ranks never interleave. */
    ssize_t w;
    do
        w = write(fd, line, n);
    while (w < 0 && errno == EINTR);
    if (w != (ssize_t)n)
        return ftsa_fail(err, FTSA_E_IO, "trials.csv: append failed: %s",
                         w < 0 ? strerror(errno) : "short write");
    if (fsync(fd))
        return ftsa_fail(err, FTSA_E_IO, "trials.csv: fsync failed: %s", strerror(errno));
    return FTSA_OK;
}
