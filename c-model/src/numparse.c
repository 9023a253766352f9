#include "ftsa/numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

ftsa_num_status_t ftsa_parse_u64(const char *s, uint64_t *v)
{
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *digits = hex ? s + 2 : s;
    if (!*digits)
        return FTSA_NUM_SYNTAX;
    for (const char *p = digits; *p; p++)
        if (!(hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
            return FTSA_NUM_SYNTAX;
    if (!hex && digits[0] == '0' && digits[1])
        return FTSA_NUM_LEADING_ZERO;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(digits, &end, hex ? 16 : 10);
    if (errno == ERANGE)
        return FTSA_NUM_RANGE;
    if (errno || *end)
        return FTSA_NUM_SYNTAX;
    *v = x;
    return FTSA_NUM_OK;
}

ftsa_num_status_t ftsa_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    uint64_t x;
    ftsa_num_status_t st = ftsa_parse_u64(s, &x);
    if (!st && x > max)
        st = FTSA_NUM_RANGE;
    if (!st)
        *v = x;
    return st;
}

ftsa_num_status_t ftsa_parse_double(const char *s, double *v)
{
    /* Only the decimal form: strtod would also take blanks, hex floats, inf and nan. */
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return FTSA_NUM_SYNTAX;
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end)
        return FTSA_NUM_SYNTAX;
    if ((errno == ERANGE && fabs(x) > 1.0) || !isfinite(x))
        return FTSA_NUM_RANGE;
    *v = x;
    return FTSA_NUM_OK;
}

const char *ftsa_num_reason(ftsa_num_status_t st)
{
    switch (st) {
    case FTSA_NUM_OK:
        return "is a number";
    case FTSA_NUM_LEADING_ZERO:
        return "has a leading zero (numbers are decimal or 0x hexadecimal; octal is not accepted)";
    case FTSA_NUM_RANGE:
        return "is out of range";
    case FTSA_NUM_SYNTAX:
    default:
        return "is not a decimal or 0x hexadecimal number";
    }
}
