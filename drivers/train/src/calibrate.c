/* Float evaluation and post-training calibration of activation ranges. */
#include <math.h>
#include <stdlib.h>

#include "ftsa/train.h"

/* Run images [first, first + count) through the net in batches; visit(ctx, n)
 * sees each batch's forward pass. */
static ftsa_status_t sweep(ftsa_tnet_t *net, const ftsa_dataset_t *ds, uint32_t first,
                           uint32_t count, void (*visit)(void *ctx, ftsa_tnet_t *net,
                                                         const float *logits, const uint8_t *labels,
                                                         uint32_t n),
                           void *ctx, ftsa_err_t *err)
{
    size_t px = ftsa_shape_elems(net->input);
    float *x = malloc((size_t)net->max_batch * px * sizeof *x);
    if (!x)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for an evaluation batch");
    if (net->qat)
        ftsa_tnet_fake_quant_weights(net);
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done < net->max_batch ? count - done : net->max_batch;
        ftsa_tnet_pixels_to_input(ftsa_dataset_image(ds, first + done), n * px, x);
        const float *logits = ftsa_tnet_forward(net, x, n);
        visit(ctx, net, logits, ds->labels + first + done, n);
        done += n;
    }
    free(x);
    return FTSA_OK;
}

static void count_hits(void *ctx, ftsa_tnet_t *net, const float *logits, const uint8_t *labels,
                       uint32_t n)
{
    uint32_t hits;
    ftsa_softmax_xent(logits, labels, n, ftsa_tnet_classes(net), NULL, &hits);
    *(uint64_t *)ctx += hits;
}

static ftsa_status_t check_range(const ftsa_dataset_t *ds, uint32_t first, uint32_t count,
                                 ftsa_err_t *err)
{
    if (count == 0 || first > ds->count || count > ds->count - first)
        return ftsa_fail(err, FTSA_E_INVALID, "images [%u, %u) outside the data set of %u", first,
                         first + count, ds->count);
    return FTSA_OK;
}

ftsa_status_t ftsa_tnet_accuracy(ftsa_tnet_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                 uint32_t count, double *acc, ftsa_err_t *err)
{
    uint64_t hits = 0;
    ftsa_status_t st = check_range(ds, first, count, err);
    if (!st)
        st = sweep(net, ds, first, count, count_hits, &hits, err);
    if (!st)
        *acc = (double)hits / count;
    return st;
}

typedef struct {
    float *lo, *hi;
} range_t;

static void track_range(void *ctx, ftsa_tnet_t *net, const float *logits, const uint8_t *labels,
                        uint32_t n)
{
    range_t *r = ctx;
    (void)logits;
    (void)labels;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tlayer_t *l = &net->layers[i];
        size_t m = (size_t)n * ftsa_shape_elems(l->out);
        for (size_t j = 0; l->qpoint && j < m; j++) {
            r->lo[i] = fminf(r->lo[i], l->y[j]);
            r->hi[i] = fmaxf(r->hi[i], l->y[j]);
        }
    }
}

/* The int8 grid covering [lo, hi] (widened to include 0, so zero is exact). */
static void choose_grid(ftsa_tlayer_t *l, float lo, float hi)
{
    lo = fminf(lo, 0.0f);
    hi = fmaxf(hi, 0.0f);
    if (l->kind == FTSA_TL_RELU)
        lo = 0.0f;
    float scale = (hi - lo) / 255.0f;
    if (!(scale > 0.0f) || !isfinite(scale))
        scale = 1.0f / 255.0f;
    double zp = round(-128.0 - (double)lo / scale);
    l->q_scale = scale;
    l->q_zp = zp < -128.0 ? -128 : zp > 127.0 ? 127 : (int32_t)zp;
}

ftsa_status_t ftsa_tnet_calibrate(ftsa_tnet_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                  uint32_t count, ftsa_err_t *err)
{
    ftsa_status_t st = check_range(ds, first, count, err);
    if (st)
        return st;
    range_t r = {malloc(net->n_layers * sizeof(float)), malloc(net->n_layers * sizeof(float))};
    if (!r.lo || !r.hi) {
        free(r.lo);
        free(r.hi);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < net->n_layers; i++) {
        r.lo[i] = INFINITY;
        r.hi[i] = -INFINITY;
    }
    int qat = net->qat;
    net->qat = 0; /* ranges of the float network */
    st = sweep(net, ds, first, count, track_range, &r, err);
    net->qat = qat;
    for (uint32_t i = 0; !st && i < net->n_layers; i++)
        if (net->layers[i].qpoint)
            choose_grid(&net->layers[i], r.lo[i], r.hi[i]);
    free(r.lo);
    free(r.hi);
    return st;
}
