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

/* Parse one complete line (without its newline); 0 if it is intact. */
static int parse_line(const char *line, size_t len, uint64_t *hash, ftsa_camp_row_t *row)
{
    if (len < 10 || line[len - 9] != ',')
        return -1;
    char crc_text[9];
    memcpy(crc_text, line + len - 8, 8);
    crc_text[8] = '\0';
    char *end;
    unsigned long crc = strtoul(crc_text, &end, 16);
    if (*end || crc != crc32(0L, (const Bytef *)line, (uInt)(len - 8)))
        return -1;
    char buf[1024];
    if (len >= sizeof buf)
        return -1;
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
    if (nf != 12)
        return -1;
    memset(row, 0, sizeof *row);
    *hash = strtoull(f[0], NULL, 16);
    row->point = (uint32_t)strtoul(f[2], NULL, 10);
    row->trial = (uint32_t)strtoul(f[3], NULL, 10);
    row->trial_seed = strtoull(f[6], NULL, 16);
    row->images = (uint32_t)strtoul(f[7], NULL, 10);
    row->correct = (uint32_t)strtoul(f[8], NULL, 10);
    row->faults = (uint32_t)strtoul(f[10], NULL, 10);
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    const ftsa_camp_row_t *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

/* The whole journal; a missing file is an empty one (*text = NULL). */
static ftsa_status_t read_all(const char *path, char **text, size_t *len, ftsa_err_t *err)
{
    *text = NULL;
    *len = 0;
    if (access(path, F_OK) && errno == ENOENT)
        return FTSA_OK;
    uint8_t *buf;
    ftsa_status_t st = ftsa_read_file(path, (size_t)1 << 34, &buf, len, err);
    if (!st)
        *text = (char *)buf;
    return st;
}

ftsa_status_t ftsa_camp_journal_load(const ftsa_camp_t *camp, const char *path,
                                     ftsa_camp_journal_t *j, ftsa_err_t *err)
{
    memset(j, 0, sizeof *j);
    char *text;
    size_t len;
    ftsa_status_t st = read_all(path, &text, &len, err);
    if (st || !text)
        return st;
    const size_t hlen = sizeof header - 1;
    if (len < hlen || memcmp(text, header, hlen)) {
        /* A header cut short by a kill while the file was created is torn, not foreign. */
        int torn = len < hlen && !memcmp(text, header, len);
        free(text);
        if (torn) {
            j->dropped = len > 0;
            return FTSA_OK;
        }
        return ftsa_fail(err, FTSA_E_FORMAT, "%s: not a campaign trials file (bad header)", path);
    }
    uint64_t total = camp->plan.n_trials;
    uint8_t *seen = calloc(total ? total : 1, 1);
    j->rows = malloc((total ? total : 1) * sizeof *j->rows);
    if (!seen || !j->rows) {
        free(seen);
        free(text);
        ftsa_camp_journal_free(j);
        return ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory", path);
    }
    uint32_t lineno = 1;
    for (size_t pos = hlen; pos < len && !st; lineno++) {
        char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        pos += llen + 1;
        uint64_t hash;
        ftsa_camp_row_t row;
        if (!nl || parse_line(line, llen, &hash, &row)) {
            j->dropped++; /* torn (no newline) or damaged (CRC) */
            continue;
        }
        if (hash != camp->hash) {
            st = ftsa_fail(err, FTSA_E_INVALID,
                           "%s:%u: holds trials of another campaign (config hash %016" PRIx64
                           ", this one is %016" PRIx64 "); use another output directory or --fresh",
                           path, lineno, hash, camp->hash);
            break;
        }
        if (row.point >= camp->plan.n_points || row.trial >= camp->plan.points[row.point].trials ||
            row.trial_seed != ftsa_camp_trial_seed(camp->cfg.seed, row.point, row.trial) ||
            row.images != camp->cfg.images || row.correct > row.images) {
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s:%u: trial does not belong to this campaign's plan",
                           path, lineno);
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
    free(text);
    if (st) {
        ftsa_camp_journal_free(j);
        return st;
    }
    qsort(j->rows, j->n, sizeof *j->rows, cmp_row);
    return FTSA_OK;
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
    char tmp[FTSA_CAMP_PATH_LEN + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    ftsa_status_t st = write_full(fd, header, sizeof header - 1, tmp, err);
    char line[1024];
    for (uint32_t i = 0; i < j->n && !st; i++) {
        size_t n = ftsa_camp_row_format(camp, &j->rows[i], line, sizeof line);
        st = n ? write_full(fd, line, n, tmp, err)
               : ftsa_fail(err, FTSA_E_INVALID, "%s: row too long", tmp);
    }
    if (!st && fsync(fd))
        st = ftsa_fail(err, FTSA_E_IO, "%s: fsync failed: %s", tmp, strerror(errno));
    close(fd);
    if (!st && rename(tmp, path))
        st = ftsa_fail(err, FTSA_E_IO, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}

ftsa_status_t ftsa_camp_journal_open(const char *path, int *fd, ftsa_err_t *err)
{
    *fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (*fd < 0)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot open for appending: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(*fd, &sb) == 0 && sb.st_size == 0) {
        ftsa_status_t st = write_full(*fd, header, sizeof header - 1, path, err);
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
