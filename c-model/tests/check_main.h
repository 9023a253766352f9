/* The one main() of every Check test program: run the suite, exit non-zero on failure. */
#ifndef FTSA_TEST_CHECK_MAIN_H
#define FTSA_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int ftsa_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
