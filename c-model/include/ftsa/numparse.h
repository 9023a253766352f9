/* The one syntax for numbers in every text the tools read (fault lists,
 * campaign configs, journals, command-line options): an unsigned integer is
 * decimal or 0x hexadecimal; a leading zero ("010") is refused rather than
 * read as octal or silently as decimal.  A real number is decimal
 * (strtod's decimal form: sign, digits, point, exponent), finite. */
#ifndef FTSA_NUMPARSE_H
#define FTSA_NUMPARSE_H

#include <stdint.h>

typedef enum {
    FTSA_NUM_OK = 0,
    FTSA_NUM_SYNTAX,       /* not a number of the accepted form */
    FTSA_NUM_LEADING_ZERO, /* "010": decimal with a leading zero */
    FTSA_NUM_RANGE         /* does not fit (u64), or not finite (double) */
} ftsa_num_status_t;

/* Parse all of s (no blanks, no sign) as a u64. */
ftsa_num_status_t ftsa_parse_u64(const char *s, uint64_t *v);
/* ftsa_parse_u64, then max: a larger value is FTSA_NUM_RANGE. */
ftsa_num_status_t ftsa_parse_uint(const char *s, uint64_t max, uint64_t *v);
/* Parse all of s as a finite decimal real (no hex floats, inf or nan). */
ftsa_num_status_t ftsa_parse_double(const char *s, double *v);
/* Why a parse failed, as a phrase to follow the quoted text:
 * "'010' <phrase>". */
const char *ftsa_num_reason(ftsa_num_status_t st);

#endif
