/* Whole-file reads and crash-safe writes. */
#ifndef FTSA_FILEIO_H
#define FTSA_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/error.h"

/* Read all of path into a malloc'd buffer (caller frees) followed by a NUL
 * byte not counted in *len.  Files larger than max bytes are refused. */
ftsa_status_t ftsa_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
                             ftsa_err_t *err);

/* Write len bytes to path through a temporary file renamed into place, so
 * readers see the old or the new contents, never a mix. */
ftsa_status_t ftsa_write_file_atomic(const char *path, const void *buf, size_t len,
                                     ftsa_err_t *err);

#endif
