/* Campaign journals, trials.csv (drivers/campaign/src/journal.c), read for
 * a fixed plan.  The rows of a journal that loads are in the plan, sorted and
 * unique, and format to lines that load again. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ftsa_camp_t camp;
    static int ready;
    if (!ready) {
        fuzz_camp(&camp);
        ready = 1;
    }
    ftsa_camp_journal_t j, back;
    ftsa_err_t err;
    if (ftsa_camp_journal_parse(&camp, (const char *)data, size, "fuzz.csv", &j, &err) == FTSA_OK) {
        static const char header[] = "config_hash,seed,point,trial,curve,rate,trial_seed,images,"
                                     "correct,accuracy,faults,crc\n";
        size_t cap = sizeof header + (size_t)(j.n + 1) * 1024, len = sizeof header - 1;
        char *text = malloc(cap);
        memcpy(text, header, len);
        for (uint32_t i = 0; i < j.n; i++) {
            FUZZ_ASSERT(j.rows[i].point < camp.plan.n_points);
            FUZZ_ASSERT(i == 0 || j.rows[i - 1].point < j.rows[i].point ||
                        (j.rows[i - 1].point == j.rows[i].point &&
                         j.rows[i - 1].trial < j.rows[i].trial));
            size_t n = ftsa_camp_row_format(&camp, &j.rows[i], text + len, cap - len);
            FUZZ_ASSERT(n);
            len += n;
        }
        FUZZ_ASSERT(ftsa_camp_journal_parse(&camp, text, len, "written", &back, &err) == FTSA_OK);
        FUZZ_ASSERT(back.n == j.n && back.dropped == 0);
        ftsa_camp_journal_free(&back);
        free(text);
        ftsa_camp_journal_free(&j);
    }
    return 0;
}
