/* Campaign throughput on the C model, each figure beside its reference in
 * the same run: the default campaign's curves (weight flips in all layers
 * and in each weight layer alone) at BER 1e-6, 1e-4 and 1e-2, with the kept
 * fault-free run (golden reuse) against full recomputation, and on THREADS
 * threads against one.  Modes run interleaved, point by point, so a ratio
 * compares runs made seconds apart on a shared machine.
 *
 *   build/bench/bench_campaign [--model F] [--trials N] [--images N]
 *                              [--reuse on|off|both] [--threads N] [--ber X]
 *   build/bench/bench_campaign MODEL [TRIALS] [IMAGES]     (the older form)
 * --reuse on|off runs one mode only (for timing whole processes A/B).        */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftsa/campaign.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const char *name;
    int no_reuse;
    uint32_t threads;
} mode_t_;

/* Seconds per curve of every trial of a one-BER campaign in one mode. */
static int run_mode(const ftsa_camp_config_t *base, const mode_t_ *m, double *secs,
                    uint32_t *n_curves, char names[][64], double *open_secs)
{
    ftsa_camp_config_t cfg = *base;
    cfg.no_reuse = m->no_reuse;
    cfg.threads = m->threads;
    ftsa_err_t err = {0};
    ftsa_camp_t camp;
    double t0 = now();
    if (ftsa_camp_open(&cfg, &camp, &err)) {
        fprintf(stderr, "bench_campaign: %s\n", err.msg);
        return -1;
    }
    *open_secs = now() - t0;
    *n_curves = camp.plan.n_curves;
    for (uint32_t c = 0; c < camp.plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp.plan.curves[c];
        snprintf(names[c], 64, "%s", cv->name);
        double t = now();
        for (uint32_t p = cv->first_point; p < cv->first_point + cfg.n_rates; p++)
            for (uint32_t k = 0; k < camp.plan.points[p].trials; k++) {
                ftsa_camp_row_t row;
                if (ftsa_camp_run_trial(&camp, p, k, &row, &err)) {
                    fprintf(stderr, "bench_campaign: %s\n", err.msg);
                    ftsa_camp_close(&camp);
                    return -1;
                }
            }
        secs[c] = now() - t;
    }
    ftsa_camp_close(&camp);
    return 0;
}

int main(int argc, char **argv)
{
    const char *model = FTSA_MODELS_DIR "/lenet5.ftsa", *reuse = "both";
    uint32_t trials = 20, images = 500, threads = 2;
    double only_ber = 0;
    int i0 = 1;
    if (argc > 1 && strncmp(argv[1], "--", 2)) { /* MODEL [TRIALS] [IMAGES] */
        model = argv[1];
        trials = argc > 2 ? (uint32_t)atoi(argv[2]) : trials;
        images = argc > 3 ? (uint32_t)atoi(argv[3]) : images;
        i0 = argc;
    }
    for (int i = i0; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_campaign: %s needs a value\n", argv[i]);
            return 2;
        }
        if (!strcmp(argv[i], "--model"))
            model = argv[i + 1];
        else if (!strcmp(argv[i], "--trials"))
            trials = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--images"))
            images = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reuse"))
            reuse = argv[i + 1];
        else if (!strcmp(argv[i], "--threads"))
            threads = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ber"))
            only_ber = atof(argv[i + 1]);
        else {
            fprintf(stderr, "bench_campaign: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (trials < 1 || images < 1 || threads < 1) {
        fprintf(stderr, "bench_campaign: --trials, --images and --threads must be >= 1\n");
        return 2;
    }
    const mode_t_ all_modes[] = {{"full", 1, 1}, {"reuse", 0, 1}, {"reuse+thr", 0, threads}};
    const mode_t_ *modes = all_modes;
    size_t n_modes = 3;
    if (!strcmp(reuse, "off") || !strcmp(reuse, "on"))
        modes = &all_modes[!strcmp(reuse, "on")], n_modes = 1;
    static const double bers[] = {1e-6, 1e-4, 1e-2};
    printf("bench_campaign: %s, weight flips, all layers + each weight layer alone, %u trials "
           "per point of %u images; trials/s per curve (reuse+thr: %u threads)\n",
           model, trials, images, threads);
    printf("  %-8s %-22s", "BER", "curve");
    for (size_t m = 0; m < n_modes; m++)
        printf(" %12s", modes[m].name);
    if (n_modes == 3)
        printf(" %9s %9s", "reuse/full", "thr/1");
    printf("\n");
    double tot[3] = {0};
    for (size_t b = 0; b < 3; b++) {
        if (only_ber > 0 && only_ber != bers[b])
            continue;
        ftsa_camp_config_t cfg;
        ftsa_camp_config_defaults(&cfg);
        snprintf(cfg.model, sizeof cfg.model, "%s", model);
        cfg.images = images;
        cfg.trials = trials;
        cfg.n_rates = 1;
        cfg.rates[0] = bers[b];
        double secs[3][FTSA_CAMP_MAX_LAYERS + 1], open[3];
        char names[FTSA_CAMP_MAX_LAYERS + 1][64];
        uint32_t n_curves = 0;
        for (size_t m = 0; m < n_modes; m++)
            if (run_mode(&cfg, &modes[m], secs[m], &n_curves, names, &open[m]))
                return 1;
        for (uint32_t c = 0; c < n_curves; c++) {
            printf("  %-8.0e %-22s", bers[b], names[c]);
            for (size_t m = 0; m < n_modes; m++) {
                printf(" %12.1f", trials / secs[m][c]);
                tot[m] += secs[m][c];
            }
            if (n_modes == 3)
                printf(" %8.1fx %8.2fx", secs[0][c] / secs[1][c], secs[1][c] / secs[2][c]);
            printf("\n");
        }
        printf("  %-8.0e %-22s", bers[b], "(open: baseline/golden)");
        for (size_t m = 0; m < n_modes; m++)
            printf(" %11.3fs", open[m]);
        printf("\n");
    }
    if (n_modes == 3)
        printf("  all curves: reuse %.1fx full recomputation, %u threads %.2fx one (same run)\n",
               tot[0] / tot[1], threads, tot[1] / tot[2]);
    printf("  command: %s --model %s --trials %u --images %u --reuse %s --threads %u\n", argv[0],
           model, trials, images, reuse, threads);
    return 0;
}
