/* ftsa result codes and error messages.
 *
 * Every library function that can fail returns an ftsa_status_t and, when it
 * fails, fills a caller-owned ftsa_err_t with a sentence that says what went
 * wrong, where, and why.  Libraries never print and never exit. */
#ifndef FTSA_ERROR_H
#define FTSA_ERROR_H

#include <stddef.h>

typedef enum {
    FTSA_OK = 0,
    FTSA_E_IO,          /* file could not be opened, read or written */
    FTSA_E_FORMAT,      /* file contents are malformed */
    FTSA_E_INVALID,     /* argument or description is inconsistent */
    FTSA_E_NOMEM,       /* allocation failed */
    FTSA_E_UNSUPPORTED, /* valid, but not supported by this component */
    FTSA_E_BACKEND      /* a simulator back end failed */
} ftsa_status_t;

#define FTSA_ERR_MSG_LEN 512

typedef struct {
    ftsa_status_t status;
    char msg[FTSA_ERR_MSG_LEN];
} ftsa_err_t;

/* Record status and a printf-style message in err (may be NULL); returns status. */
ftsa_status_t ftsa_fail(ftsa_err_t *err, ftsa_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with context ("model.ftsa: "). */
void ftsa_err_prefix(ftsa_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *ftsa_status_name(ftsa_status_t status);

#endif
