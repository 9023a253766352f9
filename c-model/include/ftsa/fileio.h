/* Whole-file reads, bounded decompression and crash-safe writes. */
#ifndef FTSA_FILEIO_H
#define FTSA_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ftsa/error.h"

/* Largest output deflate can make of one input byte (zlib's own bound is
 * 1032:1); a declared uncompressed size above this ratio is a lie. */
#define FTSA_ZLIB_MAX_RATIO 1032u

/* Read all of path into a malloc'd buffer (caller frees) followed by a NUL
 * byte not counted in *len.  Files larger than max bytes are refused before
 * anything is allocated for them (a regular file's size is checked up front;
 * a pipe is read in growing steps up to max); a directory is refused. */
ftsa_status_t ftsa_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
                             ftsa_err_t *err);

/* Inflate the zlib stream src[0..clen) into a malloc'd buffer of exactly ulen
 * bytes (caller frees).  ulen is checked against clen × FTSA_ZLIB_MAX_RATIO
 * first, and the buffer grows with the output actually produced, so a small
 * stream cannot make the caller allocate what its header merely claims.  A
 * stream that gives more or fewer than ulen bytes is FTSA_E_FORMAT. */
ftsa_status_t ftsa_inflate_exact(const uint8_t *src, size_t clen, size_t ulen, uint8_t **out,
                                 ftsa_err_t *err);

/* FTSA_OK if path may be (re)placed by a writer: it does not exist or is a
 * regular file.  A symbolic link, FIFO, directory, device node or socket is
 * refused with a message naming the path and what it is. */
ftsa_status_t ftsa_check_output(const char *path, ftsa_err_t *err);

/* Crash-safe replacement of path: ftsa_atomic_begin checks path with
 * ftsa_check_output and creates "<path>.tmp" (never through a symlink; a stale
 * regular temporary is removed, anything else there is refused); write to
 * a->f, then ftsa_atomic_commit flushes, fsyncs and renames it into place (ok
 * = 0 means a write failed: the temporary is removed and an error returned).
 * ftsa_atomic_abort removes the temporary. */
typedef struct {
    FILE *f;
    char tmp[4096];
    const char *path;
} ftsa_atomic_t;
ftsa_status_t ftsa_atomic_begin(ftsa_atomic_t *a, const char *path, ftsa_err_t *err);
ftsa_status_t ftsa_atomic_commit(ftsa_atomic_t *a, int ok, ftsa_err_t *err);
void ftsa_atomic_abort(ftsa_atomic_t *a);

/* Write len bytes to path with ftsa_atomic_begin/commit, so readers see the
 * old or the new contents, never a mix. */
ftsa_status_t ftsa_write_file_atomic(const char *path, const void *buf, size_t len,
                                     ftsa_err_t *err);

#endif
