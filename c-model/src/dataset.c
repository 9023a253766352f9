#include "ftsa/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "ftsa/fileio.h"

#define IDX_U8_IMAGES 0x00000803u
#define IDX_U8_LABELS 0x00000801u
#define MAX_ITEMS 1000000u
#define MAX_SIDE 1024u
/* Largest pixel block loaded (docs/formats.md): 1 GiB, 21 times Fashion-MNIST's
 * training set. */
#define MAX_PIXELS (1ull << 30)

/* Read n bytes, the ones from offset before of a total-byte field. */
static ftsa_status_t read_part(gzFile f, const char *path, void *dst, size_t n, const char *what,
                               size_t before, size_t total, ftsa_err_t *err)
{
    size_t got = 0;
    while (got < n) {
        unsigned chunk = n - got > (1u << 30) ? (1u << 30) : (unsigned)(n - got);
        int r = gzread(f, (uint8_t *)dst + got, chunk);
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            return ftsa_fail(err, FTSA_E_FORMAT, "%s: corrupt gzip stream while reading %s: %s",
                             path, what, msg);
        }
        if (r == 0)
            return ftsa_fail(err, FTSA_E_FORMAT,
                             "%s: truncated: %s needs %zu bytes, only %zu present", path, what,
                             total, before + got);
        got += (size_t)r;
    }
    return FTSA_OK;
}

static ftsa_status_t read_exact(gzFile f, const char *path, void *dst, size_t n, const char *what,
                                ftsa_err_t *err)
{
    return read_part(f, path, dst, n, what, 0, n, err);
}

/* Read n bytes into a malloc'd *dst (caller frees), growing the buffer as the
 * data arrives: a header that declares more than the file holds costs at
 * most twice what is really there before "truncated" is reported. */
static ftsa_status_t read_alloc(gzFile f, const char *path, uint8_t **dst, size_t n,
                                const char *what, ftsa_err_t *err)
{
    size_t cap = n < (1u << 20) ? (n ? n : 1) : (1u << 20), got = 0;
    uint8_t *b = malloc(cap);
    ftsa_status_t st = FTSA_OK;
    while (b && got < n && !st) {
        if (got == cap) {
            size_t grow = cap > n / 2 ? n : cap * 2;
            uint8_t *g = realloc(b, grow);
            if (!g)
                break;
            b = g;
            cap = grow;
        }
        size_t part = cap - got;
        st = read_part(f, path, b + got, part, what, got, n, err);
        got += part;
    }
    if (!st && got < n) {
        free(b);
        return ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory for %zu bytes of %s", path, n,
                         what);
    }
    if (st) {
        free(b);
        return st;
    }
    *dst = b;
    return FTSA_OK;
}

/* The compressed file cannot hold more than FTSA_ZLIB_MAX_RATIO times its size. */
static ftsa_status_t check_ratio(const char *path, uint64_t need, const char *what,
                                 ftsa_err_t *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        need > (uint64_t)sb.st_size * FTSA_ZLIB_MAX_RATIO)
        return ftsa_fail(err, FTSA_E_FORMAT, "%s: header declares %llu bytes of %s, more than a "
                         "%lld-byte file can hold even compressed", path, (unsigned long long)need,
                         what, (long long)sb.st_size);
    return FTSA_OK;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Read an IDX header with ndims dimensions and return them. */
static ftsa_status_t read_header(gzFile f, const char *path, uint32_t magic, uint32_t ndims,
                                 uint32_t *dims, ftsa_err_t *err)
{
    uint8_t b[4 * 4];
    ftsa_status_t st = read_exact(f, path, b, 4 * (1 + ndims), "the IDX header", err);
    if (st)
        return st;
    uint32_t got = be32(b);
    if (got != magic)
        return ftsa_fail(err, FTSA_E_FORMAT,
                         "%s: bad magic number 0x%08x (expected 0x%08x: IDX unsigned byte, %u "
                         "dimension%s)",
                         path, got, magic, ndims, ndims > 1 ? "s" : "");
    for (uint32_t i = 0; i < ndims; i++)
        dims[i] = be32(b + 4 * (1 + i));
    return FTSA_OK;
}

static ftsa_status_t expect_end(gzFile f, const char *path, ftsa_err_t *err)
{
    uint8_t extra;
    if (gzread(f, &extra, 1) != 0)
        return ftsa_fail(err, FTSA_E_FORMAT, "%s: trailing data after the last item", path);
    return FTSA_OK;
}

static gzFile open_gz(const char *path, ftsa_err_t *err)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        ftsa_fail(err, FTSA_E_IO, "%s: cannot open: %s", path, errno ? strerror(errno) : "zlib");
    return f;
}

static ftsa_status_t load_images(const char *path, ftsa_dataset_t *ds, ftsa_err_t *err)
{
    gzFile f = open_gz(path, err);
    if (!f)
        return FTSA_E_IO;
    uint32_t d[3] = {0};
    ftsa_status_t st = read_header(f, path, IDX_U8_IMAGES, 3, d, err);
    if (!st && (d[0] == 0 || d[0] > MAX_ITEMS))
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: image count %u outside 1..%u", path, d[0], MAX_ITEMS);
    if (!st && (d[1] == 0 || d[2] == 0 || d[1] > MAX_SIDE || d[2] > MAX_SIDE))
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: image size %ux%u outside 1..%u", path, d[1], d[2],
                       MAX_SIDE);
    uint64_t n = (uint64_t)d[0] * d[1] * d[2];
    if (!st && n > MAX_PIXELS)
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: %ux%ux%u = %llu pixels, over the limit of %llu",
                       path, d[0], d[1], d[2], (unsigned long long)n,
                       (unsigned long long)MAX_PIXELS);
    if (!st)
        st = check_ratio(path, n, "pixels", err);
    if (!st) {
        ds->count = d[0];
        ds->rows = d[1];
        ds->cols = d[2];
        if (!(st = read_alloc(f, path, &ds->images, (size_t)n, "the pixel data", err)))
            st = expect_end(f, path, err);
    }
    gzclose(f);
    return st;
}

static ftsa_status_t load_labels(const char *path, ftsa_dataset_t *ds, ftsa_err_t *err)
{
    gzFile f = open_gz(path, err);
    if (!f)
        return FTSA_E_IO;
    uint32_t n = 0;
    ftsa_status_t st = read_header(f, path, IDX_U8_LABELS, 1, &n, err);
    if (!st && n != ds->count)
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: %u labels for %u images", path, n, ds->count);
    if (!st)
        st = check_ratio(path, n, "labels", err);
    if (!st)
        st = read_alloc(f, path, &ds->labels, n, "the labels", err);
    for (uint32_t i = 0; !st && i < n; i++)
        if (ds->labels[i] > 9)
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s: label %u of item %u is not a class 0..9", path,
                           ds->labels[i], i);
    if (!st)
        st = expect_end(f, path, err);
    gzclose(f);
    return st;
}

ftsa_status_t ftsa_dataset_load_files(const char *images_path, const char *labels_path,
                                      ftsa_dataset_t *ds, ftsa_err_t *err)
{
    memset(ds, 0, sizeof *ds);
    ftsa_status_t st = load_images(images_path, ds, err);
    if (!st)
        st = load_labels(labels_path, ds, err);
    if (st)
        ftsa_dataset_free(ds);
    return st;
}

ftsa_status_t ftsa_dataset_load(const char *dir, ftsa_split_t split, ftsa_dataset_t *ds,
                                ftsa_err_t *err)
{
    if (!dir)
        dir = getenv("FTSA_DATA_DIR");
    if (!dir || !*dir)
        dir = FTSA_FMNIST_DIR;
    const char *prefix = split == FTSA_SPLIT_TRAIN ? "train" : "t10k";
    char images[4096], labels[4096];
    snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    ftsa_status_t st = ftsa_dataset_load_files(images, labels, ds, err);
    if (st == FTSA_E_IO && !strcmp(dir, FTSA_FMNIST_DIR))
        ftsa_err_prefix(err, "Fashion-MNIST not found (install Debian's dataset-fashion-mnist): ");
    return st;
}

void ftsa_dataset_free(ftsa_dataset_t *ds)
{
    free(ds->images);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}
