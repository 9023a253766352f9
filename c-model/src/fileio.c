#include "ftsa/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

ftsa_status_t ftsa_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
                             ftsa_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    size_t cap = 4096, n = 0;
    if (fstat(fileno(f), &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            fclose(f);
            return ftsa_fail(err, FTSA_E_IO, "%s: is a directory, not a file", path);
        }
        if (S_ISREG(sb.st_mode)) {
            if ((uint64_t)sb.st_size > max) {
                fclose(f);
                return ftsa_fail(err, FTSA_E_FORMAT, "%s: %lld bytes, larger than the %zu-byte "
                                 "limit for this kind of file", path, (long long)sb.st_size, max);
            }
            cap = (size_t)sb.st_size + 2; /* +1 for the NUL, +1 to see growth */
        }
    }
    ftsa_status_t st = FTSA_OK;
    uint8_t *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1 || ferror(f))
            break;
        if (n > max) {
            st = ftsa_fail(err, FTSA_E_FORMAT, "%s: larger than the %zu-byte limit for this kind "
                           "of file", path, max);
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
        st = ftsa_fail(err, FTSA_E_IO, "%s: read error: %s", path, strerror(errno));
    if (!st && n > max)
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: larger than the %zu-byte limit for this kind of "
                       "file", path, max);
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

ftsa_status_t ftsa_inflate_exact(const uint8_t *src, size_t clen, size_t ulen, uint8_t **out,
                                 ftsa_err_t *err)
{
    if ((uint64_t)ulen > (uint64_t)clen * FTSA_ZLIB_MAX_RATIO + 64)
        return ftsa_fail(err, FTSA_E_FORMAT, "%zu compressed bytes cannot inflate to the %zu "
                         "announced (zlib's limit is %u:1)", clen, ulen, FTSA_ZLIB_MAX_RATIO);
    /* One byte beyond ulen, to notice a stream that goes on. */
    size_t want = ulen + 1, cap = clen < want / 4 ? clen * 4 : want;
    if (cap < 4096)
        cap = want < 4096 ? want : 4096;
    uint8_t *b = malloc(cap);
    if (!b)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory inflating %zu bytes", ulen);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) {
        free(b);
        return ftsa_fail(err, FTSA_E_NOMEM, "zlib could not start inflating");
    }
    const uint8_t *in = src;
    size_t in_left = clen, produced = 0;
    int zst = Z_OK;
    const char *why = NULL;
    while (!why) {
        if (produced == cap) {
            size_t grow = cap > want / 2 ? want : cap * 2;
            uint8_t *g = realloc(b, grow);
            if (!g) {
                why = "out of memory";
                break;
            }
            b = g;
            cap = grow;
        }
        if (!zs.avail_in && in_left) {
            zs.next_in = (Bytef *)(uintptr_t)in;
            zs.avail_in = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
            in += zs.avail_in;
            in_left -= zs.avail_in;
        }
        size_t room = cap - produced;
        zs.next_out = b + produced;
        zs.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        uInt before = zs.avail_out;
        zst = inflate(&zs, Z_NO_FLUSH);
        produced += before - zs.avail_out;
        if (produced > ulen)
            why = "the stream holds more than the announced length";
        else if (zst == Z_STREAM_END)
            break;
        else if (zst == Z_BUF_ERROR && !zs.avail_in && !in_left)
            why = "the stream ends early";
        else if (zst != Z_OK && zst != Z_BUF_ERROR)
            why = zs.msg ? zs.msg : zError(zst);
    }
    size_t trailing = zs.avail_in + in_left;
    inflateEnd(&zs);
    if (!why && produced != ulen)
        why = "size mismatch";
    if (!why && trailing) {
        free(b);
        return ftsa_fail(err, FTSA_E_FORMAT, "%zu bytes after the end of the compressed stream",
                         trailing);
    }
    if (why) {
        free(b);
        return ftsa_fail(err, FTSA_E_FORMAT, "compressed payload is corrupt (zlib: %s; %zu of %zu "
                         "bytes recovered)", why, produced > ulen ? ulen : produced, ulen);
    }
    *out = b;
    return FTSA_OK;
}

static const char *kind_of(mode_t m)
{
    if (S_ISLNK(m))
        return "a symbolic link";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

ftsa_status_t ftsa_check_output(const char *path, ftsa_err_t *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return FTSA_OK;
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot examine the output path: %s", path,
                         strerror(errno));
    }
    if (S_ISREG(sb.st_mode))
        return FTSA_OK;
    return ftsa_fail(err, FTSA_E_IO, "%s: is %s; refusing to replace it (write to a regular file "
                     "or a new path)", path, kind_of(sb.st_mode));
}

ftsa_status_t ftsa_atomic_begin(ftsa_atomic_t *a, const char *path, ftsa_err_t *err)
{
    a->f = NULL;
    a->path = path;
    if (snprintf(a->tmp, sizeof a->tmp, "%s.tmp", path) >= (int)sizeof a->tmp)
        return ftsa_fail(err, FTSA_E_IO, "%s: path too long", path);
    ftsa_status_t st = ftsa_check_output(path, err);
    if (st)
        return st;
    struct stat sb;
    if (lstat(a->tmp, &sb) == 0) {
        if (!S_ISREG(sb.st_mode))
            return ftsa_fail(err, FTSA_E_IO, "%s: the temporary file's path is %s; refusing to "
                             "write through it", a->tmp, kind_of(sb.st_mode));
        unlink(a->tmp); /* left by a crashed writer */
    }
    int fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", a->tmp, strerror(errno));
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", a->tmp, strerror(e));
    }
    return FTSA_OK;
}

void ftsa_atomic_abort(ftsa_atomic_t *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
}

ftsa_status_t ftsa_atomic_commit(ftsa_atomic_t *a, int ok, ftsa_err_t *err)
{
    /* Data on disk before the rename, so a crash leaves the old or the new file. */
    int e = 0;
    if (ok && (fflush(a->f) || ferror(a->f) || fsync(fileno(a->f))))
        ok = 0, e = errno;
    if (fclose(a->f) && ok)
        ok = 0, e = errno;
    a->f = NULL;
    ftsa_status_t st = FTSA_OK;
    if (!ok)
        st = ftsa_fail(err, FTSA_E_IO, "%s: write failed: %s", a->tmp, e ? strerror(e) : "I/O error");
    else if (!(st = ftsa_check_output(a->path, err)) && rename(a->tmp, a->path) != 0)
        st = ftsa_fail(err, FTSA_E_IO, "%s: cannot rename into place: %s", a->path,
                       strerror(errno));
    if (st)
        unlink(a->tmp);
    return st;
}

ftsa_status_t ftsa_write_file_atomic(const char *path, const void *buf, size_t len,
                                     ftsa_err_t *err)
{
    ftsa_atomic_t a;
    ftsa_status_t st = ftsa_atomic_begin(&a, path, err);
    if (st)
        return st;
    return ftsa_atomic_commit(&a, fwrite(buf, 1, len, a.f) == len, err);
}
