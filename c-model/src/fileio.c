#include "ftsa/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ftsa_status_t ftsa_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
                             ftsa_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    ftsa_status_t st = FTSA_OK;
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1 || ferror(f))
            break;
        if (n > max) {
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s: larger than %zu bytes", path, max);
            break;
        }
        uint8_t *grown = realloc(b, cap * 2);
        if (!grown) {
            free(b);
            b = NULL;
            break;
        }
        b = grown;
        cap *= 2;
    }
    if (!st && !b)
        st = ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory reading the file", path);
    if (!st && ferror(f))
        st = ftsa_fail(err, FTSA_E_IO, "%s: read error", path);
    if (!st && n > max)
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: larger than %zu bytes", path, max);
    fclose(f);
    if (st) {
        free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return FTSA_OK;
}

ftsa_status_t ftsa_write_file_atomic(const char *path, const void *buf, size_t len,
                                     ftsa_err_t *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return ftsa_fail(err, FTSA_E_IO, "%s: path too long", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    size_t wrote = fwrite(buf, 1, len, f);
    if (wrote != len || fclose(f) != 0) {
        if (wrote != len)
            fclose(f);
        remove(tmp);
        return ftsa_fail(err, FTSA_E_IO, "%s: write failed: %s", tmp, strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot rename into place: %s", path, strerror(e));
    }
    return FTSA_OK;
}
