#include "ftsa/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_U8_IMAGES 0x00000803u
#define IDX_U8_LABELS 0x00000801u
#define MAX_ITEMS 1000000u
#define MAX_SIDE 1024u

static ftsa_status_t read_exact(gzFile f, const char *path, void *dst, size_t n, const char *what,
                                ftsa_err_t *err)
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
                             "%s: truncated: %s needs %zu bytes, only %zu present", path, what, n,
                             got);
        got += (size_t)r;
    }
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
    if (!st) {
        ds->count = d[0];
        ds->rows = d[1];
        ds->cols = d[2];
        size_t n = (size_t)d[0] * d[1] * d[2];
        ds->images = malloc(n);
        if (!ds->images)
            st = ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory for %zu pixels", path, n);
        else if (!(st = read_exact(f, path, ds->images, n, "the pixel data", err)))
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
    if (!st) {
        ds->labels = malloc(n);
        if (!ds->labels)
            st = ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory for %u labels", path, n);
        else
            st = read_exact(f, path, ds->labels, n, "the labels", err);
    }
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
