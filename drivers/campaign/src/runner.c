/* A whole campaign in one process: resume from the journal, run the missing
 * trials, leave the journal complete and sorted.  (`ftsa campaign` shards the
 * same loop over MPI ranks itself.) */
#include <stdlib.h>
#include <unistd.h>

#include "ftsa/campaign.h"

ftsa_status_t ftsa_camp_run_all(ftsa_camp_t *camp, const char *path, ftsa_camp_progress_fn progress,
                                void *ctx, ftsa_camp_journal_t *j, ftsa_err_t *err)
{
    ftsa_status_t st = ftsa_camp_journal_load(camp, path, j, err);
    if (st)
        return st;
    const ftsa_camp_plan_t *plan = &camp->plan;
    uint8_t *done = calloc(plan->n_trials ? plan->n_trials : 1, 1);
    if (!done) {
        ftsa_camp_journal_free(j);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < j->n; i++)
        done[ftsa_camp_trial_index(plan, j->rows[i].point, j->rows[i].trial)] = 1;
    uint64_t total = plan->n_trials - j->n, ran = 0, idx = 0;
    int fd = -1;
    st = ftsa_camp_journal_rewrite(camp, path, j, err);
    if (!st && total)
        st = ftsa_camp_journal_open(path, &fd, err);
    for (uint32_t p = 0; !st && p < plan->n_points; p++)
        for (uint32_t t = 0; !st && t < plan->points[p].trials; t++, idx++) {
            if (done[idx])
                continue;
            ftsa_camp_row_t row;
            st = ftsa_camp_run_trial(camp, p, t, &row, err);
            if (!st)
                st = ftsa_camp_journal_append(camp, fd, &row, err);
            if (!st && progress)
                progress(ctx, ++ran, total);
        }
    if (fd >= 0)
        close(fd);
    free(done);
    ftsa_camp_journal_free(j);
    if (st)
        return st;
    st = ftsa_camp_journal_load(camp, path, j, err);
    if (!st && (st = ftsa_camp_journal_rewrite(camp, path, j, err)))
        ftsa_camp_journal_free(j);
    return st;
}
