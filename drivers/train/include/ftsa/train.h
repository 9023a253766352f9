/* The trainer: mini-batch training of an ftsa_tnet_t on Fashion-MNIST with SGD
 * (momentum) or Adam and a learning-rate schedule, optional quantization-aware
 * fine-tuning, checkpoints every epoch, and export to the int8 ftsa_net_t.
 *
 * Determinism: parameters are initialised from (seed, stream 0) and epoch e is
 * shuffled from (seed, stream 1 + e), so a run is a pure function of the
 * configuration and a resumed run repeats an uninterrupted one bit for bit. */
#ifndef FTSA_TRAIN_H
#define FTSA_TRAIN_H

#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/net.h"
#include "ftsa/tnet.h"

typedef enum { FTSA_OPT_SGD = 0, FTSA_OPT_ADAM = 1 } ftsa_opt_kind_t;
typedef enum { FTSA_SCHED_CONST = 0, FTSA_SCHED_COSINE = 1, FTSA_SCHED_STEP = 2 } ftsa_sched_t;

typedef struct {
    uint64_t seed;
    uint32_t epochs;       /* float epochs */
    uint32_t qat_epochs;   /* quantization-aware epochs after them */
    uint32_t batch;
    ftsa_opt_kind_t optimizer;
    double lr;             /* peak learning rate of the float phase */
    double qat_lr;         /* peak learning rate of the QAT phase */
    ftsa_sched_t schedule; /* cosine: to 0 over a phase; step: x0.1 at 50% and 75% */
    double momentum;       /* SGD momentum; Adam beta1 is 0.9 */
    double weight_decay;   /* L2 on weights (not biases) */
    uint32_t weight_bits;  /* 2..8 */
    uint32_t val_count;    /* tail of the training set held out (calibration, val accuracy) */
    uint32_t train_limit;  /* train on at most this many images (0 = all the rest) */
    uint32_t calib_count;  /* held-out images used for calibration (0 = all val) */
    const char *checkpoint;  /* written after every epoch (NULL: none) */
    uint32_t stop_after;   /* stop once this many epochs are done (0 = run to the end) */
} ftsa_train_cfg_t;

/* Defaults: seed 1, 10 epochs, no QAT, batch 64, Adam lr 1e-3, QAT lr 1e-4,
 * cosine, momentum 0.9, no weight decay, 8-bit weights, 5000 held out. */
void ftsa_train_defaults(ftsa_train_cfg_t *cfg);

typedef struct {
    int qat;              /* phase: 0 float, 1 quantization-aware */
    uint32_t epoch;       /* 1-based over both phases */
    uint32_t epochs;      /* epochs + qat_epochs */
    uint32_t batch, batches;
    double loss, acc;     /* running mean over the epoch so far (acc in [0,1]) */
    double lr;
    double epoch_secs;    /* time in this epoch so far */
    double eta_secs;      /* estimated time to the end of the run */
    int epoch_done;       /* set on the call closing an epoch ... */
    double val_acc;       /* ... with the held-out accuracy (float, or fake-quant in QAT) */
} ftsa_train_progress_t;

typedef void (*ftsa_train_progress_fn)(void *ctx, const ftsa_train_progress_t *p);

typedef struct {
    ftsa_train_cfg_t cfg;
    ftsa_tnet_t *net;           /* not owned */
    const ftsa_dataset_t *data; /* the training split, not owned */
    uint32_t n_train;           /* images [0, n_train) train, [val_first, count) validate */
    uint32_t val_first;
    uint32_t epoch;             /* epochs completed */
    uint64_t step;              /* optimizer steps taken */
    int calibrated;
    float *m, *v;               /* optimizer state, one per parameter */
    float *x;                   /* one batch of inputs */
    uint8_t *y;
    float *dlogits;
    uint32_t *order;
} ftsa_trainer_t;

/* Check cfg against net and data and prepare a fresh run: parameters are
 * initialised from cfg.seed.  net must be finalized with max_batch >= batch. */
ftsa_status_t ftsa_trainer_init(ftsa_trainer_t *t, const ftsa_train_cfg_t *cfg, ftsa_tnet_t *net,
                                const ftsa_dataset_t *data, ftsa_err_t *err);
void ftsa_trainer_free(ftsa_trainer_t *t);

/* Train until all epochs are done (or cfg.stop_after), checkpointing after
 * each epoch.  progress (may be NULL) is called after every batch. */
ftsa_status_t ftsa_trainer_run(ftsa_trainer_t *t, ftsa_train_progress_fn progress, void *ctx,
                               ftsa_err_t *err);
static inline int ftsa_trainer_done(const ftsa_trainer_t *t)
{
    return t->epoch >= t->cfg.epochs + t->cfg.qat_epochs;
}

/* Checkpoint: parameters, optimizer state, epoch and calibration, written to
 * path.tmp and renamed over path.  Load refuses a file from another network or
 * configuration; on failure the trainer's state is undefined (start over).
 * Format in docs/trainer.md. */
ftsa_status_t ftsa_checkpoint_save(const ftsa_trainer_t *t, const char *path, ftsa_err_t *err);
ftsa_status_t ftsa_checkpoint_load(ftsa_trainer_t *t, const char *path, ftsa_err_t *err);
/* The same from a checkpoint's bytes buf[0..len) (load reads no more than the
 * exact size a checkpoint of t->net has). */
ftsa_status_t ftsa_checkpoint_parse(ftsa_trainer_t *t, const uint8_t *buf, size_t len,
                                    ftsa_err_t *err);

/* Float top-1 accuracy in [0, 1] (fake-quant when net->qat) on images
 * [first, first + count) of ds. */
ftsa_status_t ftsa_tnet_accuracy(ftsa_tnet_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                 uint32_t count, double *acc, ftsa_err_t *err);

/* Calibrate activation ranges (min/max of every quantization point) on images
 * [first, first + count) of ds, in float. */
ftsa_status_t ftsa_tnet_calibrate(ftsa_tnet_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                  uint32_t count, ftsa_err_t *err);
/* Convert a calibrated net to the int8 description (input scale 1/255, zero
 * point -128; per-channel symmetric weight_bits weights; int32 biases; ReLU
 * fused).  out is initialised by this call; free with ftsa_net_free. */
ftsa_status_t ftsa_tnet_export(const ftsa_tnet_t *net, uint32_t weight_bits, const char *name,
                               ftsa_net_t *out, ftsa_err_t *err);
/* Integer (reference model) top-1 accuracy of qnet on images [first, first + count). */
ftsa_status_t ftsa_qnet_accuracy(const ftsa_net_t *qnet, const ftsa_dataset_t *ds, uint32_t first,
                                 uint32_t count, double *acc, ftsa_err_t *err);

/* Learning rate at batch b of 0-based epoch (counted over both phases). */
double ftsa_train_lr(const ftsa_train_cfg_t *cfg, uint32_t epoch, uint32_t b, uint32_t batches);
/* One optimizer update of net->params from net->grads.  m, v: per-parameter
 * state (v unused by SGD); step: 1-based update count (Adam bias correction). */
void ftsa_opt_step(const ftsa_train_cfg_t *cfg, ftsa_tnet_t *net, float *m, float *v,
                   uint64_t step, double lr);
/* order[0..n) = a Fisher-Yates permutation of 0..n-1 from (seed, stream). */
void ftsa_train_order(uint32_t *order, uint32_t n, uint64_t seed, uint64_t stream);

/* One Adam update (beta1 0.9, beta2 0.999, no weight decay) of w[0..n) from
 * g; m, v: its state; step: 1-based update count. */
void ftsa_adam_step(float *w, const float *g, float *m, float *v, size_t n, uint64_t step,
                    double lr);

#endif
