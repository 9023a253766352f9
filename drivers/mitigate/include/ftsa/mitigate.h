/* Activation-clipping mitigations deployed on the hardware clip unit
 * (docs/mitigations.md): Ranger, FT-ClipAct and the threshold side of FitAct.
 *
 * Every function here changes only the activation stage of a network (mode,
 * threshold source, thresholds) of the layers that have an activation (conv2d
 * and fc layers whose act is not none); weights are never touched.
 * Thresholds start from the activation profile (ftsa profile), so the net must
 * be profiled.  The FitAct post-training itself lives in the trainer
 * (drivers/train, ftsa/fitact.h). */
#ifndef FTSA_MITIGATE_H
#define FTSA_MITIGATE_H

#include <stdint.h>

#include "ftsa/campaign.h"
#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

#define FTSA_MIT_MAX_RATES 32

/* 1 if layer l carries an activation stage a mitigation may replace. */
int ftsa_mit_protectable(const ftsa_layer_t *l);

/* Set layer l's activation to mode with thresholds from src: n = 1, out.c or
 * out elements values copied from thr (thresholds below the output zero point
 * are raised to it).  Replaces the layer's previous thresholds. */
ftsa_status_t ftsa_mit_set_act(ftsa_layer_t *l, ftsa_act_mode_t mode, ftsa_thr_source_t src,
                               const int8_t *thr, ftsa_err_t *err);

/* Every protectable layer gets mode with thresholds at the profiled maximum
 * of the layer, of each channel or of each neuron (src). */
ftsa_status_t ftsa_mit_clip_at_profile(ftsa_net_t *net, ftsa_act_mode_t mode,
                                       ftsa_thr_source_t src, ftsa_err_t *err);

/* Ranger (Chen et al., DSN 2021): saturate at the per-layer profiled maximum. */
ftsa_status_t ftsa_mit_ranger(ftsa_net_t *net, ftsa_err_t *err);

/* Clip-to-zero with per-neuron thresholds thr[i] (out elements of layer i,
 * HWC; NULL leaves layer i alone), e.g. FitAct's bounds; src CHANNEL stores
 * instead the largest neuron threshold of each channel. */
ftsa_status_t ftsa_mit_apply_neuron_thresholds(ftsa_net_t *net, int8_t *const *thr,
                                               ftsa_thr_source_t src, ftsa_err_t *err);

/* Bytes of thresholds the net stores (one int8 each: a register for
 * per-layer thresholds, threshold SRAM for per-channel and per-neuron). */
uint64_t ftsa_mit_thr_bytes(const ftsa_net_t *net);

/* A fault sweep on a slice of images: for every rate, trials fault lists are
 * drawn over curve (a campaign curve: a tensor region or an SRAM region, and a
 * fault kind) with the campaign's trial seeds (ftsa_camp_trial_seed(seed,
 * rate index, trial)), installed on a device of backend and the images
 * classified.  The same sweep gives every network of the same shape the same
 * fault lists. */
typedef struct {
    const char *backend;       /* "cmodel" by default */
    uint32_t array_n;          /* array side of hardware back ends and SRAM geometry (8) */
    ftsa_camp_curve_t curve;   /* where and what (name, scope and sites unused) */
    uint32_t n_rates;
    double rates[FTSA_MIT_MAX_RATES]; /* BERs, ascending, > 0 */
    uint32_t trials;
    uint64_t seed;
    const ftsa_dataset_t *ds; /* not owned */
    uint32_t first, images;   /* images [first, first + images) of ds */
    uint32_t threads;         /* classify threads; 0 = every online core (same results) */
} ftsa_mit_sweep_t;

/* Defaults: cmodel, tensor-space bit flips in the weights of all layers,
 * BER logspace(1e-4, 1e-1, 4) (1e-4, 1e-3, 1e-2, 1e-1), 3 trials, seed 1, the
 * profiling slice (training images 55000.., 1000 of them; ds left NULL). */
void ftsa_mit_sweep_defaults(ftsa_mit_sweep_t *sw);

typedef struct {
    double base_acc;                       /* fault-free accuracy, percent */
    double mean_acc[FTSA_MIT_MAX_RATES];   /* mean over trials, percent */
    double auc;                            /* FT-ClipAct AUC (log rate axis), see ftsa_mit_sweep_run */
} ftsa_mit_sweep_result_t;

/* Run the sweep on net.  The AUC normalizes accuracy by ref_acc (percent; the
 * unprotected network's fault-free accuracy, so that a network clipped into
 * uselessness cannot score well), or by the net's own when ref_acc <= 0. */
ftsa_status_t ftsa_mit_sweep_run(const ftsa_mit_sweep_t *sw, const ftsa_net_t *net, double ref_acc,
                                 ftsa_mit_sweep_result_t *res, ftsa_err_t *err);

/* Sweep settings from campaign config keys (ber, trials, seed, images,
 * first, backend, array, faults, tensors, bits, space, memory, words), so
 * sweeps and campaigns read the same syntax: BER mode, one fault kind, and one
 * tensor of all layers or (space = sram) one SRAM memory.  The backend string
 * stays owned by cfg; ds is left as it was. */
ftsa_status_t ftsa_mit_sweep_from_camp(const ftsa_camp_config_t *cfg, ftsa_mit_sweep_t *sw,
                                       ftsa_err_t *err);

/* Fault-free accuracy (percent) of net on the sweep's images. */
ftsa_status_t ftsa_mit_sweep_base(const ftsa_mit_sweep_t *sw, const ftsa_net_t *net, double *acc,
                                  ftsa_err_t *err);

/* FT-ClipAct (Hoang, Hanif, Shafique, DATE 2020), interval search per layer. */
typedef struct {
    ftsa_mit_sweep_t sweep;
    uint32_t max_iters;  /* N: iterations per layer (default 5) */
    uint32_t min_iters;  /* M: iterations before the delta test may stop (default 2) */
    double delta;        /* stop when max - min AUC of the four points < delta (default 0.01) */
    double max_drop;     /* candidates losing more fault-free validation accuracy than
                            this (points) against the unprotected net are not chosen (default 1) */
} ftsa_mit_clipact_opts_t;

void ftsa_mit_clipact_defaults(ftsa_mit_clipact_opts_t *o);

/* Called after each evaluated candidate (may be NULL). */
typedef void (*ftsa_mit_log_fn)(void *ctx, uint32_t layer, uint32_t iter, int8_t thr,
                                const ftsa_mit_sweep_result_t *r);

/* Replace every protectable layer's activation by clip-to-zero with one
 * threshold, start each at its profiled maximum and tune the layers in order:
 * four equidistant thresholds over [zero point, T_max], keep the
 * sub-interval between the neighbours of the best AUC, repeat.  Deterministic
 * for the sweep's seed. */
ftsa_status_t ftsa_mit_clipact(ftsa_net_t *net, const ftsa_mit_clipact_opts_t *o,
                               ftsa_mit_log_fn log, void *log_ctx, ftsa_err_t *err);

#endif
