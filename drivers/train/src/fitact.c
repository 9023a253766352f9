/* FitAct post-training of per-neuron activation bounds (ftsa/fitact.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/fitact.h"
#include "ftsa/train.h"

void ftsa_fitact_defaults(ftsa_fitact_cfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 1;
    cfg->epochs = 2;
    cfg->batch = 64;
    cfg->lr = 1e-3;
    cfg->lambda = 1e-4;
    cfg->k = 20.0;
    cfg->first = 0;
    cfg->images = 55000;
}

static ftsa_status_t add_qlayer(ftsa_tnet_t *t, const ftsa_layer_t *l, ftsa_err_t *err)
{
    switch (l->kind) {
    case FTSA_LAYER_CONV2D:
        if (l->kh != l->kw)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED, "%ux%u kernel: the trainer has square ones only",
                             l->kh, l->kw);
        return ftsa_tnet_add_conv(t, l->out.c, l->kh, l->stride, l->pad, err);
    case FTSA_LAYER_FC: return ftsa_tnet_add_fc(t, l->out.c, err);
    case FTSA_LAYER_MAXPOOL:
        if (l->kh != l->kw)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED, "%ux%u pool window: square ones only", l->kh,
                             l->kw);
        return ftsa_tnet_add_maxpool(t, l->kh, l->stride, err);
    case FTSA_LAYER_AVGPOOL_GLOBAL: return ftsa_tnet_add_avgpool(t, err);
    case FTSA_LAYER_FLATTEN: return ftsa_tnet_add_flatten(t, err);
    default: return ftsa_fail(err, FTSA_E_UNSUPPORTED, "layer kind %d", (int)l->kind);
    }
}

/* Weights and biases of qnet layer l into t's parameters at tl. */
static void dequantize_params(ftsa_tnet_t *t, const ftsa_tlayer_t *tl, const ftsa_layer_t *l)
{
    uint32_t fan = tl->fan_in;
    for (uint32_t oc = 0; oc < l->out.c; oc++) {
        for (uint32_t j = 0; j < fan; j++)
            t->params[tl->w_off + (size_t)oc * fan + j] =
                (float)l->weights[(size_t)oc * fan + j] * l->w_scale[oc];
        t->params[tl->b_off + oc] = (float)((double)l->bias[oc] * l->in_scale * l->w_scale[oc]);
    }
}

ftsa_status_t ftsa_tnet_from_qnet(const ftsa_net_t *qnet, uint32_t max_batch, ftsa_tnet_t *t,
                                  uint32_t *relu_of, ftsa_err_t *err)
{
    ftsa_tnet_init(t, qnet->input);
    ftsa_status_t st = FTSA_OK;
    for (uint32_t i = 0; i < qnet->n_layers && !st; i++) {
        const ftsa_layer_t *l = &qnet->layers[i];
        st = add_qlayer(t, l, err);
        if (relu_of)
            relu_of[i] = UINT32_MAX;
        if (!st && ftsa_layer_has_weights(l) && l->act != FTSA_ACT_NONE) {
            st = ftsa_tnet_add_relu(t, err);
            if (relu_of)
                relu_of[i] = t->n_layers - 1;
        }
        if (st)
            ftsa_err_prefix(err, "layer %u: ", i);
    }
    if (!st)
        st = ftsa_tnet_finalize(t, max_batch, err);
    if (st)
        return st;
    /* Parameters exist once finalized: qnet layer i is t's layer ti, its ReLU ti + 1. */
    for (uint32_t i = 0, ti = 0; i < qnet->n_layers; i++, ti++) {
        const ftsa_layer_t *l = &qnet->layers[i];
        if (ftsa_layer_has_weights(l))
            dequantize_params(t, &t->layers[ti], l);
        ti += ftsa_layer_has_weights(l) && l->act != FTSA_ACT_NONE;
    }
    return FTSA_OK;
}

/* Per bounded layer: normalized bounds u (bound = u * range), Adam state. */
typedef struct {
    uint32_t qlayer, tlayer, n;
    float range; /* real value of the top output code: (127 - zp) * out_scale */
    float *u, *bound, *grad, *gu, *m, *v;
} bounded_t;

static void bounded_free(bounded_t *b, uint32_t n)
{
    for (uint32_t i = 0; b && i < n; i++) {
        free(b[i].u), free(b[i].bound), free(b[i].grad);
        free(b[i].gu), free(b[i].m), free(b[i].v);
    }
    free(b);
}

static ftsa_status_t bounded_init(const ftsa_net_t *q, ftsa_tnet_t *t, const uint32_t *relu_of,
                                  double k, bounded_t **out, uint32_t *count, ftsa_err_t *err)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->n_layers; i++)
        n += relu_of[i] != UINT32_MAX;
    bounded_t *b = calloc(n ? n : 1, sizeof *b);
    if (!b)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    *out = b, *count = n;
    for (uint32_t i = 0, j = 0; i < q->n_layers; i++) {
        if (relu_of[i] == UINT32_MAX)
            continue;
        const ftsa_layer_t *l = &q->layers[i];
        bounded_t *bb = &b[j++];
        bb->qlayer = i, bb->tlayer = relu_of[i], bb->n = ftsa_shape_elems(l->out);
        bb->range = (float)(127 - l->out_zp) * l->out_scale;
        size_t sz = bb->n * sizeof(float);
        bb->u = malloc(sz), bb->bound = malloc(sz), bb->grad = malloc(sz);
        bb->gu = malloc(sz), bb->m = calloc(bb->n, sizeof(float)), bb->v = calloc(bb->n, sizeof(float));
        if (!bb->u || !bb->bound || !bb->grad || !bb->gu || !bb->m || !bb->v)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %u bounds", bb->n);
        for (uint32_t e = 0; e < bb->n; e++) {
            int above = l->prof_max[e] - l->out_zp;
            bb->u[e] = above > 0 ? (float)above / (float)(127 - l->out_zp) : 0.0f;
            bb->bound[e] = bb->u[e] * bb->range;
        }
        ftsa_tlayer_t *tl = &t->layers[bb->tlayer];
        tl->bound = bb->bound, tl->bound_grad = bb->grad;
        tl->bound_k = (float)(k / bb->range);
    }
    return FTSA_OK;
}

/* d(CE + lambda * sum u) / du, then an Adam step on u (kept >= 0). */
static void update_bounds(bounded_t *b, uint32_t nb, const ftsa_fitact_cfg_t *cfg, uint64_t step,
                          double *sum_u, uint64_t *count_u)
{
    for (uint32_t j = 0; j < nb; j++) {
        bounded_t *bb = &b[j];
        for (uint32_t e = 0; e < bb->n; e++)
            bb->gu[e] = bb->grad[e] * bb->range + (float)cfg->lambda;
        ftsa_adam_step(bb->u, bb->gu, bb->m, bb->v, bb->n, step, cfg->lr);
        for (uint32_t e = 0; e < bb->n; e++) {
            bb->u[e] = bb->u[e] < 0.0f ? 0.0f : bb->u[e];
            bb->bound[e] = bb->u[e] * bb->range;
            *sum_u += bb->u[e];
        }
        *count_u += bb->n;
    }
}

static ftsa_status_t check_cfg(const ftsa_net_t *q, const ftsa_dataset_t *ds,
                               const ftsa_fitact_cfg_t *c, ftsa_err_t *err)
{
    if (!q->prof_images)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "the model has no activation profile (run ftsa profile first)");
    if (!c->epochs || !c->batch || !c->images || (uint64_t)c->first + c->images > ds->count)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "FitAct needs epochs >= 1, batch >= 1 and images %u..%llu inside the "
                         "training set (%u images)",
                         c->first, (unsigned long long)c->first + c->images - 1, ds->count);
    if (!(c->lr > 0.0) || !(c->lambda >= 0.0) || !(c->k > 0.0) || !isfinite(c->lr + c->lambda + c->k))
        return ftsa_fail(err, FTSA_E_INVALID, "FitAct needs lr > 0, lambda >= 0 and k > 0");
    if (ds->rows * ds->cols != ftsa_shape_elems(q->input))
        return ftsa_fail(err, FTSA_E_INVALID, "the model's input does not fit %ux%u images",
                         ds->rows, ds->cols);
    return FTSA_OK;
}

static void export_thresholds(const ftsa_net_t *q, const bounded_t *b, uint32_t nb, int8_t **thr)
{
    for (uint32_t j = 0; j < nb; j++) {
        const ftsa_layer_t *l = &q->layers[b[j].qlayer];
        for (uint32_t e = 0; e < b[j].n; e++) {
            long code = l->out_zp + lround((double)b[j].u[e] * (127 - l->out_zp));
            thr[b[j].qlayer][e] = (int8_t)(code > 127 ? 127 : code);
        }
    }
}

ftsa_status_t ftsa_fitact_train(const ftsa_net_t *qnet, const ftsa_dataset_t *train,
                                const ftsa_fitact_cfg_t *cfg, int8_t **thr,
                                ftsa_fitact_progress_fn progress, void *ctx, ftsa_err_t *err)
{
    for (uint32_t i = 0; i < qnet->n_layers; i++)
        thr[i] = NULL;
    ftsa_status_t st = check_cfg(qnet, train, cfg, err);
    if (st)
        return st;
    ftsa_tnet_t t;
    bounded_t *b = NULL;
    uint32_t nb = 0, px = ftsa_shape_elems(qnet->input), classes;
    uint32_t *relu_of = malloc(qnet->n_layers * sizeof *relu_of);
    uint32_t *order = malloc(cfg->images * sizeof *order);
    float *x = NULL, *dlogits = NULL;
    uint8_t *y = malloc(cfg->batch);
    if (!relu_of || !order || !y) {
        free(relu_of), free(order), free(y);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    }
    st = ftsa_tnet_from_qnet(qnet, cfg->batch, &t, relu_of, err);
    if (!st)
        st = bounded_init(qnet, &t, relu_of, cfg->k, &b, &nb, err);
    classes = t.n_layers ? ftsa_tnet_classes(&t) : 0;
    x = malloc((size_t)cfg->batch * px * sizeof *x);
    dlogits = malloc((size_t)cfg->batch * (classes ? classes : 1) * sizeof *dlogits);
    if (!st && (!x || !dlogits))
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    for (uint32_t i = 0; !st && i < qnet->n_layers; i++)
        if (relu_of[i] != UINT32_MAX && !(thr[i] = malloc(ftsa_shape_elems(qnet->layers[i].out))))
            st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    uint64_t step = 0;
    uint32_t batches = (cfg->images + cfg->batch - 1) / cfg->batch;
    for (uint32_t e = 0; !st && e < cfg->epochs; e++) {
        ftsa_train_order(order, cfg->images, cfg->seed, 1u + (uint64_t)e);
        double loss = 0.0;
        uint64_t hits = 0, seen = 0;
        for (uint32_t bi = 0; bi < batches; bi++) {
            uint32_t n = cfg->images - bi * cfg->batch < cfg->batch ? cfg->images - bi * cfg->batch
                                                                      : cfg->batch;
            for (uint32_t s = 0; s < n; s++) {
                uint32_t idx = cfg->first + order[bi * cfg->batch + s];
                ftsa_tnet_pixels_to_input(ftsa_dataset_image(train, idx), px, x + (size_t)s * px);
                y[s] = train->labels[idx];
            }
            uint32_t correct;
            const float *logits = ftsa_tnet_forward(&t, x, n);
            loss += n * ftsa_softmax_xent(logits, y, n, classes, dlogits, &correct);
            hits += correct, seen += n;
            for (uint32_t j = 0; j < nb; j++)
                memset(b[j].grad, 0, b[j].n * sizeof(float));
            ftsa_tnet_backward(&t, x, n, dlogits);
            double sum_u = 0.0;
            uint64_t count_u = 0;
            update_bounds(b, nb, cfg, ++step, &sum_u, &count_u);
            if (progress) {
                ftsa_fitact_progress_t p = {e + 1, cfg->epochs, bi + 1, batches, loss / seen,
                                            (double)hits / seen, count_u ? sum_u / count_u : 0.0};
                progress(ctx, &p);
            }
        }
    }
    if (!st)
        export_thresholds(qnet, b, nb, thr);
    if (st)
        for (uint32_t i = 0; i < qnet->n_layers; i++)
            free(thr[i]), thr[i] = NULL;
    bounded_free(b, nb);
    ftsa_tnet_free(&t);
    free(relu_of), free(order), free(y), free(x), free(dlogits);
    return st;
}
