/* Conversion of a calibrated training network to the int8 ftsa_net_t, and its
 * accuracy through the integer reference model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_quant.h"
#include "ftsa/ref.h"
#include "ftsa/train.h"

#define INPUT_SCALE (1.0f / 255.0f)
#define INPUT_ZP (-128)


/* Weights, per-channel scales, biases and requantization of one conv/fc layer
 * whose output quantization is already set in q. */
static ftsa_status_t quantize_params(const ftsa_tnet_t *net, const ftsa_tlayer_t *l,
                                     uint32_t weight_bits, ftsa_layer_t *q, ftsa_err_t *err)
{
    int32_t qmax = ftsa_weight_qmax(weight_bits);
    for (uint32_t oc = 0; oc < l->out.c; oc++) {
        const float *w = net->params + l->w_off + (size_t)oc * l->fan_in;
        float s = ftsa_tnet_channel_scale(w, l->fan_in, weight_bits);
        for (uint32_t j = 0; j < l->fan_in; j++)
            q->weights[(size_t)oc * l->fan_in + j] = (int8_t)ftsa_fq_weight_code(w[j], s, qmax);
        q->w_scale[oc] = s;
        double b = round((double)net->params[l->b_off + oc] / ((double)q->in_scale * s));
        if (!(b >= INT32_MIN && b <= INT32_MAX))
            return ftsa_fail(err, FTSA_E_INVALID, "channel %u: bias %g does not fit int32 at scale %g",
                             oc, (double)net->params[l->b_off + oc], (double)q->in_scale * s);
        q->bias[oc] = (int32_t)b;
        int32_t mult;
        int shift;
        ftsa_quantize_multiplier((double)q->in_scale * s / q->out_scale, &mult, &shift);
        q->multiplier[oc] = mult;
        q->shift[oc] = (int8_t)shift;
    }
    return FTSA_OK;
}

/* Layer i (and a ReLU fused after it) as an int8 layer; *used: trainer layers consumed. */
static ftsa_status_t export_layer(const ftsa_tnet_t *net, uint32_t i, uint32_t weight_bits,
                                  float in_scale, int32_t in_zp, ftsa_layer_t *q, uint32_t *used,
                                  ftsa_err_t *err)
{
    const ftsa_tlayer_t *l = &net->layers[i];
    memset(q, 0, sizeof *q);
    q->in = l->in;
    q->out = l->out;
    q->in_scale = q->out_scale = in_scale;
    q->in_zp = q->out_zp = in_zp;
    q->kh = q->kw = l->k;
    q->stride = l->stride;
    *used = 1;
    switch (l->kind) {
    case FTSA_TL_MAXPOOL: q->kind = FTSA_LAYER_MAXPOOL; return FTSA_OK;
    case FTSA_TL_AVGPOOL_GLOBAL: q->kind = FTSA_LAYER_AVGPOOL_GLOBAL; return FTSA_OK;
    case FTSA_TL_FLATTEN: q->kind = FTSA_LAYER_FLATTEN; return FTSA_OK;
    case FTSA_TL_RELU:
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "a ReLU must directly follow a conv2d or fully connected layer");
    default: break;
    }
    int fused = i + 1 < net->n_layers && net->layers[i + 1].kind == FTSA_TL_RELU;
    const ftsa_tlayer_t *qp = fused ? &net->layers[i + 1] : l;
    if (!(qp->q_scale > 0.0f))
        return ftsa_fail(err, FTSA_E_INVALID, "not calibrated");
    q->kind = l->kind == FTSA_TL_CONV2D ? FTSA_LAYER_CONV2D : FTSA_LAYER_FC;
    q->pad = l->pad;
    q->out_scale = qp->q_scale;
    q->out_zp = qp->q_zp;
    q->act = fused ? FTSA_ACT_RELU : FTSA_ACT_NONE;
    q->thr_src = FTSA_THR_LAYER;
    *used = fused ? 2 : 1;
    ftsa_status_t st = ftsa_layer_alloc(q, err);
    if (!st)
        st = quantize_params(net, l, weight_bits, q, err);
    if (st)
        ftsa_layer_free(q);
    return st;
}

ftsa_status_t ftsa_tnet_export(const ftsa_tnet_t *net, uint32_t weight_bits, const char *name,
                               ftsa_net_t *out, ftsa_err_t *err)
{
    ftsa_net_init(out);
    if (weight_bits < 2 || weight_bits > 8)
        return ftsa_fail(err, FTSA_E_INVALID, "weight bits %u outside 2..8", weight_bits);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->input = net->input;
    out->in_scale = INPUT_SCALE;
    out->in_zp = INPUT_ZP;
    float scale = INPUT_SCALE;
    int32_t zp = INPUT_ZP;
    ftsa_status_t st = FTSA_OK;
    for (uint32_t i = 0, used; !st && i < net->n_layers; i += used) {
        ftsa_layer_t q;
        st = export_layer(net, i, weight_bits, scale, zp, &q, &used, err);
        if (!st && (st = ftsa_net_append(out, &q, err)))
            ftsa_layer_free(&q);
        if (st)
            ftsa_err_prefix(err, "export of layer %u: ", i);
        scale = q.out_scale;
        zp = q.out_zp;
    }
    if (!st)
        st = ftsa_net_validate(out, err);
    if (st)
        ftsa_net_free(out);
    return st;
}

ftsa_status_t ftsa_qnet_accuracy(const ftsa_net_t *qnet, const ftsa_dataset_t *ds, uint32_t first,
                                 uint32_t count, double *acc, ftsa_err_t *err)
{
    if (ds->rows * ds->cols != ftsa_shape_elems(qnet->input) || first + count > ds->count ||
        count == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "images [%u, %u) of %ux%u do not fit the model",
                         first, first + count, ds->rows, ds->cols);
    ftsa_ref_t ref;
    ftsa_status_t st = ftsa_ref_init(&ref, qnet, err);
    if (st)
        return st;
    int8_t *in = malloc(ftsa_shape_elems(qnet->input));
    if (!in) {
        ftsa_ref_free(&ref);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    }
    uint32_t hits = 0;
    for (uint32_t i = first; i < first + count; i++) {
        ftsa_net_quantize_pixels(qnet, ftsa_dataset_image(ds, i), in);
        ftsa_ref_run(&ref, in);
        hits += ftsa_ref_argmax(&ref) == ds->labels[i];
    }
    free(in);
    ftsa_ref_free(&ref);
    *acc = (double)hits / count;
    return FTSA_OK;
}
