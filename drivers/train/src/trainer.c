/* The training loop: epochs of shuffled mini-batches, QAT phase, checkpoints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftsa/rng.h"
#include "ftsa/train.h"

void ftsa_train_defaults(ftsa_train_cfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 1;
    cfg->epochs = 10;
    cfg->batch = 64;
    cfg->optimizer = FTSA_OPT_ADAM;
    cfg->lr = 1e-3;
    cfg->qat_lr = 1e-4;
    cfg->schedule = FTSA_SCHED_COSINE;
    cfg->momentum = 0.9;
    cfg->weight_bits = 8;
    cfg->val_count = 5000;
}

static double now_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ftsa_status_t check_cfg(const ftsa_train_cfg_t *c, const ftsa_tnet_t *net,
                               const ftsa_dataset_t *data, ftsa_err_t *err)
{
    if (c->epochs + c->qat_epochs == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "nothing to train: 0 epochs and 0 QAT epochs");
    if (c->batch == 0 || c->batch > net->max_batch)
        return ftsa_fail(err, FTSA_E_INVALID, "batch %u outside 1..%u", c->batch, net->max_batch);
    if (!(c->lr > 0.0 && isfinite(c->lr)) || (c->qat_epochs && !(c->qat_lr > 0.0 && isfinite(c->qat_lr))))
        return ftsa_fail(err, FTSA_E_INVALID, "learning rates must be positive and finite");
    if (!(c->momentum >= 0.0 && c->momentum < 1.0) || !(c->weight_decay >= 0.0))
        return ftsa_fail(err, FTSA_E_INVALID, "momentum must be in [0, 1), weight decay >= 0");
    if (c->weight_bits < 2 || c->weight_bits > 8)
        return ftsa_fail(err, FTSA_E_INVALID, "weight bits %u outside 2..8", c->weight_bits);
    if (c->optimizer != FTSA_OPT_SGD && c->optimizer != FTSA_OPT_ADAM)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown optimizer %d", (int)c->optimizer);
    if (data->rows != net->input.h || data->cols != net->input.w || net->input.c != 1)
        return ftsa_fail(err, FTSA_E_INVALID, "network input %ux%ux%u does not fit %ux%u images",
                         net->input.h, net->input.w, net->input.c, data->rows, data->cols);
    if (ftsa_tnet_classes(net) < 10)
        return ftsa_fail(err, FTSA_E_INVALID, "network has %u outputs, the data set 10 classes",
                         ftsa_tnet_classes(net));
    if (c->val_count == 0 || c->val_count >= data->count)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "held-out count %u must be 1..%u (it calibrates the quantization)",
                         c->val_count, data->count - 1);
    return FTSA_OK;
}

ftsa_status_t ftsa_trainer_init(ftsa_trainer_t *t, const ftsa_train_cfg_t *cfg, ftsa_tnet_t *net,
                                const ftsa_dataset_t *data, ftsa_err_t *err)
{
    memset(t, 0, sizeof *t);
    ftsa_status_t st = check_cfg(cfg, net, data, err);
    if (st)
        return st;
    t->cfg = *cfg;
    t->net = net;
    t->data = data;
    t->val_first = data->count - cfg->val_count;
    t->n_train = t->val_first;
    if (cfg->train_limit && cfg->train_limit < t->n_train)
        t->n_train = cfg->train_limit;
    size_t np = net->n_params ? net->n_params : 1;
    t->m = calloc(np, sizeof *t->m);
    t->v = calloc(np, sizeof *t->v);
    t->x = malloc((size_t)cfg->batch * ftsa_shape_elems(net->input) * sizeof *t->x);
    t->y = malloc(cfg->batch);
    t->dlogits = malloc((size_t)cfg->batch * ftsa_tnet_classes(net) * sizeof *t->dlogits);
    t->order = malloc(t->n_train * sizeof *t->order);
    if (!t->m || !t->v || !t->x || !t->y || !t->dlogits || !t->order) {
        ftsa_trainer_free(t);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the trainer");
    }
    net->weight_bits = cfg->weight_bits;
    net->qat = 0;
    for (uint32_t i = 0; i < net->n_layers; i++)
        net->layers[i].q_scale = 0.0f;
    ftsa_tnet_init_params(net, cfg->seed);
    return FTSA_OK;
}

void ftsa_trainer_free(ftsa_trainer_t *t)
{
    free(t->m);
    free(t->v);
    free(t->x);
    free(t->y);
    free(t->dlogits);
    free(t->order);
    memset(t, 0, sizeof *t);
}

void ftsa_train_order(uint32_t *order, uint32_t n, uint64_t seed, uint64_t stream)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, stream);
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)ftsa_rng_below(&rng, i);
        uint32_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
}

/* Epoch e's order of the training images, from (seed, stream 1 + e) alone. */
static void shuffle(ftsa_trainer_t *t, uint32_t epoch)
{
    ftsa_train_order(t->order, t->n_train, t->cfg.seed, 1u + (uint64_t)epoch);
}

static void load_batch(ftsa_trainer_t *t, uint32_t first, uint32_t n)
{
    size_t px = ftsa_shape_elems(t->net->input);
    for (uint32_t s = 0; s < n; s++) {
        uint32_t idx = t->order[first + s];
        ftsa_tnet_pixels_to_input(ftsa_dataset_image(t->data, idx), px, t->x + s * px);
        t->y[s] = t->data->labels[idx];
    }
}

/* One SGD/Adam step on images order[first, first + n); returns the batch loss. */
static double train_step(ftsa_trainer_t *t, uint32_t first, uint32_t n, double lr,
                         uint32_t *correct)
{
    ftsa_tnet_t *net = t->net;
    load_batch(t, first, n);
    if (net->qat)
        ftsa_tnet_fake_quant_weights(net);
    const float *logits = ftsa_tnet_forward(net, t->x, n);
    double loss = ftsa_softmax_xent(logits, t->y, n, ftsa_tnet_classes(net), t->dlogits, correct);
    ftsa_tnet_backward(net, t->x, n, t->dlogits);
    ftsa_opt_step(&t->cfg, net, t->m, t->v, ++t->step, lr);
    return loss;
}

static ftsa_status_t run_epoch(ftsa_trainer_t *t, ftsa_train_progress_t *p, double run_start,
                               uint64_t *batches_run, ftsa_train_progress_fn progress, void *ctx,
                               ftsa_err_t *err)
{
    uint32_t e = t->epoch, total = t->cfg.epochs + t->cfg.qat_epochs;
    p->qat = e >= t->cfg.epochs;
    if (p->qat && !t->calibrated) {
        uint32_t calib = t->cfg.calib_count ? t->cfg.calib_count : t->cfg.val_count;
        ftsa_status_t st = ftsa_tnet_calibrate(t->net, t->data, t->val_first,
                                               calib < t->cfg.val_count ? calib : t->cfg.val_count,
                                               err);
        if (st)
            return st;
        t->calibrated = 1;
    }
    t->net->qat = p->qat;
    shuffle(t, e);
    double start = now_secs(), loss_sum = 0.0;
    uint32_t hits = 0, seen = 0;
    p->epoch = e + 1;
    p->epoch_done = 0;
    for (uint32_t b = 0; b < p->batches; b++) {
        uint32_t first = b * t->cfg.batch, correct;
        uint32_t n = t->n_train - first < t->cfg.batch ? t->n_train - first : t->cfg.batch;
        p->lr = ftsa_train_lr(&t->cfg, e, b, p->batches);
        double loss = train_step(t, first, n, p->lr, &correct);
        if (!isfinite(loss))
            return ftsa_fail(err, FTSA_E_INVALID,
                             "loss is %g at epoch %u batch %u: lower the learning rate", loss,
                             e + 1, b + 1);
        loss_sum += loss * n;
        hits += correct;
        seen += n;
        ++*batches_run;
        uint64_t left = (uint64_t)(total - e) * p->batches - (b + 1);
        p->batch = b + 1;
        p->loss = loss_sum / seen;
        p->acc = (double)hits / seen;
        p->epoch_secs = now_secs() - start;
        p->eta_secs = (now_secs() - run_start) / (double)*batches_run * (double)left;
        if (progress && b + 1 < p->batches)
            progress(ctx, p);
    }
    t->epoch++;
    ftsa_status_t st = ftsa_tnet_accuracy(t->net, t->data, t->val_first, t->cfg.val_count,
                                          &p->val_acc, err);
    if (st)
        return st;
    p->epoch_secs = now_secs() - start;
    p->epoch_done = 1;
    return FTSA_OK;
}

ftsa_status_t ftsa_trainer_run(ftsa_trainer_t *t, ftsa_train_progress_fn progress, void *ctx,
                               ftsa_err_t *err)
{
    ftsa_train_progress_t p = {0};
    p.epochs = t->cfg.epochs + t->cfg.qat_epochs;
    p.batches = (t->n_train + t->cfg.batch - 1) / t->cfg.batch;
    double run_start = now_secs();
    uint64_t batches_run = 0;
    while (!ftsa_trainer_done(t) && !(t->cfg.stop_after && t->epoch >= t->cfg.stop_after)) {
        ftsa_status_t st = run_epoch(t, &p, run_start, &batches_run, progress, ctx, err);
        if (!st && t->cfg.checkpoint)
            st = ftsa_checkpoint_save(t, t->cfg.checkpoint, err);
        if (st)
            return st;
        if (progress)
            progress(ctx, &p);
    }
    return FTSA_OK;
}
