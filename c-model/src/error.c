#include "ftsa/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ftsa_status_t ftsa_fail(ftsa_err_t *err, ftsa_status_t status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void ftsa_err_prefix(ftsa_err_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[FTSA_ERR_MSG_LEN];
    char old[FTSA_ERR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t n = strnlen(prefix, sizeof prefix - 1);
    memcpy(err->msg, prefix, n);
    size_t room = sizeof err->msg - 1 - n;
    size_t m = strnlen(old, room);
    memcpy(err->msg + n, old, m);
    err->msg[n + m] = '\0';
}

const char *ftsa_status_name(ftsa_status_t status)
{
    switch (status) {
    case FTSA_OK: return "ok";
    case FTSA_E_IO: return "I/O error";
    case FTSA_E_FORMAT: return "format error";
    case FTSA_E_INVALID: return "invalid input";
    case FTSA_E_NOMEM: return "out of memory";
    case FTSA_E_UNSUPPORTED: return "unsupported";
    case FTSA_E_BACKEND: return "back-end error";
    default: return "unknown error";
    }
}
