/* FitAct post-training (B. Ghavami, M. Sadati, Z. Fang, L. Shannon, "FitAct:
 * Error Resilient Deep Neural Networks via Fine-Grained Post-Trainable
 * Activation Functions", DATE 2022): every neuron of a layer with a ReLU gets
 * its own bound.  The int8 network is imported as a float network with the
 * same (dequantized) weights, each ReLU becomes
 *     f(x) = max(0, x) * sigmoid(k (bound_i - x)),
 * the weights stay frozen, and the bounds alone are trained with Adam to
 * minimise cross-entropy + lambda * sum of bounds.  The bounds are then
 * quantized into int8 clip-to-zero thresholds.  docs/mitigations.md. */
#ifndef FTSA_FITACT_H
#define FTSA_FITACT_H

#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/net.h"
#include "ftsa/tnet.h"

typedef struct {
    uint64_t seed;    /* shuffle of epoch e from (seed, stream 1 + e) */
    uint32_t epochs;  /* default 2 */
    uint32_t batch;   /* default 64 */
    double lr;        /* Adam rate on normalized bounds (default 1e-3) */
    double lambda;    /* weight of the sum of normalized bounds (default 1e-4) */
    double k;         /* slope on normalized activations (default 20) */
    uint32_t first, images; /* training images [first, first + images) (default 0, 55000) */
} ftsa_fitact_cfg_t;

void ftsa_fitact_defaults(ftsa_fitact_cfg_t *cfg);

/* Float network with qnet's layers and dequantized weights (w = q * w_scale,
 * b = bias * in_scale * w_scale), a ReLU after every conv/fc whose activation
 * is not none.  relu_of[i] (qnet->n_layers entries, may be NULL) receives the
 * index of layer i's ReLU in t, or UINT32_MAX.  Square kernels only. */
ftsa_status_t ftsa_tnet_from_qnet(const ftsa_net_t *qnet, uint32_t max_batch, ftsa_tnet_t *t,
                                  uint32_t *relu_of, ftsa_err_t *err);

typedef struct {
    uint32_t epoch, epochs, batch, batches;
    double loss, acc; /* running means over the epoch (cross-entropy only; acc in [0, 1]) */
    double mean_bound; /* mean normalized bound */
} ftsa_fitact_progress_t;
typedef void (*ftsa_fitact_progress_fn)(void *ctx, const ftsa_fitact_progress_t *p);

/* Post-train bounds for qnet (which must be profiled: bounds start at each
 * neuron's profiled maximum).  thr[i] (qnet->n_layers entries) receives, for
 * every layer with an activation, a malloc'd array of out elements int8
 * thresholds in the layer's output quantization (HWC), NULL elsewhere; free
 * each.  Deterministic for cfg.seed (and a fixed BLAS thread count). */
ftsa_status_t ftsa_fitact_train(const ftsa_net_t *qnet, const ftsa_dataset_t *train,
                                const ftsa_fitact_cfg_t *cfg, int8_t **thr,
                                ftsa_fitact_progress_fn progress, void *ctx, ftsa_err_t *err);

#endif
