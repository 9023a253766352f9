/* Campaign throughput on the C model: trials per second of the default
 * campaign (the one scripts/main.sh runs), and the cost of fault injection
 * (drawing the faults, installing them, inferring on the faulty network)
 * against fault-free inference on the same images.  One process, one core.
 *
 *   build/bench/bench_campaign [MODEL] [TRIALS] [IMAGES]                     */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ftsa/campaign.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    int trials = argc > 2 ? atoi(argv[2]) : 60;
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    snprintf(cfg.model, sizeof cfg.model, "%s", model);
    if (argc > 3)
        cfg.images = (uint32_t)atoi(argv[3]);
    ftsa_err_t err = {0};
    ftsa_camp_t camp;
    if (trials < 1 || cfg.images < 1 || ftsa_camp_open(&cfg, &camp, &err)) {
        fprintf(stderr, "bench_campaign: %s\n", trials < 1 || cfg.images < 1 ? "TRIALS and IMAGES must be >= 1" : err.msg);
        return 1;
    }
    const ftsa_camp_plan_t *plan = &camp.plan;
    /* Trials spread evenly over the plan, so every BER and region is represented. */
    uint64_t stride = plan->n_trials / (uint64_t)trials ? plan->n_trials / (uint64_t)trials : 1;
    double t_fault = 0.0, t_free = 0.0;
    uint64_t faults = 0;
    int ran = 0;
    for (uint64_t k = 0, idx = 0; ran < trials && k < plan->n_trials; k += stride) {
        uint32_t p = 0;
        idx = k;
        while (idx >= plan->points[p].trials)
            idx -= plan->points[p++].trials;
        ftsa_camp_row_t row;
        double t0 = now();
        if (ftsa_camp_run_trial(&camp, p, (uint32_t)idx, &row, &err)) {
            fprintf(stderr, "bench_campaign: %s\n", err.msg);
            return 1;
        }
        double t1 = now();
        /* The same images on the fault-free device. */
        uint32_t correct;
        if (ftsa_dev_set_faults(camp.dev, NULL, &err) ||
            ftsa_dev_classify(camp.dev, &camp.ds, cfg.first, cfg.images, NULL, &correct, &err)) {
            fprintf(stderr, "bench_campaign: %s\n", err.msg);
            return 1;
        }
        double t2 = now();
        t_fault += t1 - t0;
        t_free += t2 - t1;
        faults += row.faults;
        ran++;
    }
    printf("bench_campaign: %s, default campaign (%u curves x %u BERs, %" PRIu64
           " trials of %u images), %d trials sampled across the plan\n",
           model, plan->n_curves, cfg.n_rates, plan->n_trials, cfg.images, ran);
    printf("  trials/s (with injection)   %.2f  -> full default campaign ~%.0f s on one core\n",
           ran / t_fault, plan->n_trials * t_fault / ran);
    printf("  fault-free inference/s      %.0f\n", (double)ran * cfg.images / t_free);
    printf("  injection overhead          %+.1f%% (draw %.1f faults/trial on average, install, "
           "infer on the faulty net vs fault-free)\n",
           100.0 * (t_fault - t_free) / t_free, (double)faults / ran);
    printf("  command: %s %s %d %u\n", argv[0], model, trials, cfg.images);
    ftsa_camp_close(&camp);
    return 0;
}
