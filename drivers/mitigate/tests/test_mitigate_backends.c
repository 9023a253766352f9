/* A sample of the mitigation comparison (the unprotected LeNet-5 and its four
 * protected variants from models/, two BERs, two trials, 16 test images), with
 * weight faults in tensor space and in the weight SRAM, on every back end
 * besides cmodel: each trial's correct and fault counts must equal the C
 * model's.  The trials run through the
 * campaign library (ftsa_camp_open / ftsa_camp_run_trial), so both back ends
 * see the same fault lists.  Exit 77 (skipped) when no other back end is built
 * or when one refuses tensor-space faults (it says which; the variants are then
 * still compared fault-free, and a mismatch there fails). */
#include <stdio.h>
#include <string.h>

#include "ftsa/campaign.h"

#define N_VARIANTS 5
#define MAX_ROWS 64

/* The comparison's variants as shipped in models/ (docs/mitigations.md). */
static const char *const names[N_VARIANTS] = {"unprotected", "ranger", "ft-clipact", "fitact",
                                              "fitact-channel"};
static const char *const files[N_VARIANTS] = {"lenet5", "lenet5_ranger", "lenet5_clipact",
                                              "lenet5_fitact", "lenet5_fitact_ch"};

/* Run every trial of the sample of model on backend into rows. */
static ftsa_status_t run(const char *model, const char *backend, int sram, ftsa_camp_row_t *rows,
                         uint32_t *n, uint32_t *base, ftsa_err_t *err)
{
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    snprintf(cfg.model, sizeof cfg.model, "%s", model);
    snprintf(cfg.backend, sizeof cfg.backend, "%s", backend);
    ftsa_status_t st = ftsa_camp_config_set(&cfg, "ber", sram ? "1e-4, 1e-3" : "1e-3, 1e-2",
                                            "test", err);
    if (sram && !st) /* the weight-SRAM words LeNet-5's inference uses at N = 8 */
        st = ftsa_camp_config_set(&cfg, "space", "sram", "test", err);
    if (sram && !st)
        st = ftsa_camp_config_set(&cfg, "words", "0-7935", "test", err);
    cfg.trials = 2, cfg.images = 16, cfg.per_layer = 0;
    ftsa_camp_t camp;
    if (!st)
        st = ftsa_camp_open(&cfg, &camp, err);
    if (st)
        return st;
    *base = camp.base_correct;
    *n = 0;
    for (uint32_t p = 0; !st && p < camp.plan.n_points; p++)
        for (uint32_t t = 0; !st && t < camp.plan.points[p].trials && *n < MAX_ROWS; t++)
            st = ftsa_camp_run_trial(&camp, p, t, &rows[(*n)++], err);
    ftsa_camp_close(&camp);
    return st;
}

int main(void)
{
    ftsa_err_t err = {0};
    int fail = 0, compared = 0, refused = 0;
    for (const ftsa_backend_ops_t *const *b = ftsa_backends(); *b && !fail; b++) {
        if (!strcmp((*b)->name, "cmodel"))
            continue;
        for (int j = 0; j < 2 * N_VARIANTS && !fail; j++) {
            int k = j % N_VARIANTS, sram = j >= N_VARIANTS;
            const char *space = sram ? "sram" : "tensor";
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.ftsa", FTSA_MODELS_DIR, files[k]);
            ftsa_camp_row_t ref[MAX_ROWS], got[MAX_ROWS];
            uint32_t nr, ng, base_ref, base_got;
            if (run(path, "cmodel", sram, ref, &nr, &base_ref, &err)) {
                fprintf(stderr, "%s (%s) on cmodel: %s\n", names[k], space, err.msg);
                fail = 1;
                break;
            }
            base_got = UINT32_MAX;
            ftsa_status_t st = run(path, (*b)->name, sram, got, &ng, &base_got, &err);
            if (st == FTSA_E_UNSUPPORTED && base_got != UINT32_MAX) {
                /* The thresholds still get checked fault-free. */
                printf("%-14s %-6s %-8s fault-free: correct %u/16 (cmodel %u)%s\n", names[k],
                       space, (*b)->name, base_got, base_ref,
                       base_got == base_ref ? "" : "  MISMATCH");
                fail |= base_got != base_ref;
                if (!refused)
                    fprintf(stderr, "SKIP: back end %s refuses the sample's faults: %s\n",
                            (*b)->name, err.msg);
                refused = 1;
                continue;
            }
            if (st) {
                fprintf(stderr, "%s (%s) on %s: %s\n", names[k], space, (*b)->name, err.msg);
                fail = 1;
                break;
            }
            fail |= base_ref != base_got || nr != ng;
            for (uint32_t i = 0; i < nr && i < ng; i++) {
                int same = ref[i].correct == got[i].correct && ref[i].faults == got[i].faults;
                if (!same)
                    fail = 1;
                printf("%-14s %-6s %-8s point %u trial %u: faults %u, correct %u/%u "
                       "(cmodel %u)%s\n",
                       names[k], space, (*b)->name, got[i].point, got[i].trial, got[i].faults,
                       got[i].correct, got[i].images, ref[i].correct, same ? "" : "  MISMATCH");
            }
            compared++;
        }
    }
    if (fail) {
        fprintf(stderr, "FAIL: per-trial results differ from the C model\n");
        return 1;
    }
    if (refused)
        return 77;
    if (!compared) {
        fprintf(stderr, "SKIP: no back end besides cmodel in this build\n");
        return 77;
    }
    return 0;
}
