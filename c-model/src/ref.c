#include "ftsa/ref.h"

#include <stdlib.h>
#include <string.h>

/* Dot products run over rows zero-padded to a multiple of FTSA_REF_LANE bytes,
 * so the compiler vectorizes them without remainder loops.  Products are at
 * most 2^14 in magnitude: 65536 of them fit an int32, and longer rows combine
 * chunks with the accumulator's wrapping add. */
#define DOT_CHUNK 65536u

static int32_t dot_chunk(const int8_t *restrict a, const int8_t *restrict b, uint32_t n)
{
    int32_t acc = 0;
    for (uint32_t i = 0; i < n; i++)
        acc += (int32_t)a[i] * (int32_t)b[i];
    return acc;
}

static int32_t dot_i8(const int8_t *a, const int8_t *b, uint32_t n)
{
    if (n <= DOT_CHUNK)
        return dot_chunk(a, b, n);
    int32_t total = 0;
    for (uint32_t base = 0; base < n; base += DOT_CHUNK)
        total = ftsa_wrap_add(total, dot_chunk(a + base, b + base,
                                               n - base < DOT_CHUNK ? n - base : DOT_CHUNK));
    return total;
}

static uint32_t padded(uint32_t n)
{
    return (n + FTSA_REF_LANE - 1) / FTSA_REF_LANE * FTSA_REF_LANE;
}

/* Accumulate: acc[oc * npos + pos] = folded bias + row . weights[oc].  The
 * accumulators are kept channel-major so requantization runs over long rows. */
static void accumulate(const ftsa_layer_t *l, const int32_t *bias, const int8_t *wpad,
                       const int8_t *row, uint32_t pos, uint32_t npos, int32_t *acc)
{
    uint32_t k = padded(ftsa_layer_fan_in(l));
    for (uint32_t oc = 0; oc < l->out.c; oc++)
        acc[(size_t)oc * npos + pos] = ftsa_wrap_add(bias[oc], dot_i8(row, wpad + (size_t)oc * k, k));
}

/* Requantize every accumulator of the layer into the HWC output. */
static void requantize(const ftsa_layer_t *l, const int32_t *acc, uint32_t npos, int8_t *out)
{
    uint32_t oc_n = l->out.c;
    for (uint32_t oc = 0; oc < oc_n; oc++) {
        int32_t mult = l->multiplier[oc], shift = l->shift[oc];
        const int32_t *a = acc + (size_t)oc * npos;
        for (uint32_t pos = 0; pos < npos; pos++)
            out[(size_t)pos * oc_n + oc] = ftsa_requantize(a[pos], mult, shift, l->out_zp);
    }
}

/* Activation/clip over the layer output; thr holds one threshold per output
 * element (expanded from the layer's source), NULL for modes without one. */
static void activate(const ftsa_layer_t *l, const int8_t *thr, int8_t *out)
{
    uint32_t n = ftsa_shape_elems(l->out);
    int8_t zp = (int8_t)l->out_zp;
    switch (l->act) {
    case FTSA_ACT_RELU:
        for (uint32_t i = 0; i < n; i++)
            out[i] = ftsa_activate(out[i], FTSA_ACT_RELU, zp, 0);
        break;
    case FTSA_ACT_CLIP:
        for (uint32_t i = 0; i < n; i++)
            out[i] = ftsa_activate(out[i], FTSA_ACT_CLIP, zp, thr[i]);
        break;
    case FTSA_ACT_SAT:
        for (uint32_t i = 0; i < n; i++)
            out[i] = ftsa_activate(out[i], FTSA_ACT_SAT, zp, thr[i]);
        break;
    case FTSA_ACT_NONE:
    default:
        break;
    }
}

/* Copy the input into a buffer framed by `pad` zero-point pixels on every side. */
static void frame_input(const ftsa_layer_t *l, const int8_t *in, int8_t *framed)
{
    uint32_t c = l->in.c, p = l->pad, wp = l->in.w + 2 * p, hp = l->in.h + 2 * p;
    memset(framed, (int8_t)l->in_zp, (size_t)hp * wp * c);
    for (uint32_t y = 0; y < l->in.h; y++)
        memcpy(framed + ((size_t)(y + p) * wp + p) * c, in + (size_t)y * l->in.w * c,
               (size_t)l->in.w * c);
}

static void conv2d(const ftsa_layer_t *l, const int32_t *bias, const int8_t *wpad,
                   const int8_t *in, ftsa_ref_t *ref, int8_t *out)
{
    uint32_t c = l->in.c, wp = l->in.w + 2 * l->pad, seg = l->kw * c;
    uint32_t npos = l->out.h * l->out.w;
    const int8_t *framed = in;
    if (l->pad) {
        frame_input(l, in, ref->framed);
        framed = ref->framed;
    }
    for (uint32_t oy = 0; oy < l->out.h; oy++)
        for (uint32_t ox = 0; ox < l->out.w; ox++) {
            /* A window is kh segments of kw*c contiguous bytes (HWC); the
             * row's padding tail beyond kh*kw*c stays zero. */
            const int8_t *top = framed + ((size_t)oy * l->stride * wp + ox * l->stride) * c;
            for (uint32_t ky = 0; ky < l->kh; ky++)
                memcpy(ref->cols + ky * seg, top + (size_t)ky * wp * c, seg);
            accumulate(l, bias, wpad, ref->cols, oy * l->out.w + ox, npos, ref->acc);
        }
    requantize(l, ref->acc, npos, out);
}

static void fc(const ftsa_layer_t *l, const int32_t *bias, const int8_t *wpad, const int8_t *in,
               ftsa_ref_t *ref, int8_t *out)
{
    memcpy(ref->cols, in, ftsa_layer_fan_in(l));
    accumulate(l, bias, wpad, ref->cols, 0, 1, ref->acc);
    requantize(l, ref->acc, 1, out);
}

static void maxpool(const ftsa_layer_t *l, const int8_t *in, int8_t *out)
{
    uint32_t c = l->in.c;
    for (uint32_t oy = 0; oy < l->out.h; oy++)
        for (uint32_t ox = 0; ox < l->out.w; ox++)
            for (uint32_t ch = 0; ch < c; ch++) {
                int8_t m = -128;
                for (uint32_t ky = 0; ky < l->kh; ky++)
                    for (uint32_t kx = 0; kx < l->kw; kx++) {
                        uint32_t y = oy * l->stride + ky, x = ox * l->stride + kx;
                        int8_t v = in[((size_t)y * l->in.w + x) * c + ch];
                        if (v > m)
                            m = v;
                    }
                out[((size_t)oy * l->out.w + ox) * c + ch] = m;
            }
}

static void avgpool_global(const ftsa_layer_t *l, const int8_t *in, int8_t *out)
{
    uint32_t c = l->in.c, n = l->in.h * l->in.w;
    for (uint32_t ch = 0; ch < c; ch++) {
        int32_t sum = 0; /* n <= 65536 positions: |sum| < 2^23 */
        for (uint32_t p = 0; p < n; p++)
            sum += in[(size_t)p * c + ch];
        int32_t v = ftsa_rounded_mean(sum, (int32_t)n);
        out[ch] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

static void run_layer(ftsa_ref_t *ref, uint32_t i, const int8_t *in, int8_t *out)
{
    const ftsa_layer_t *l = &ref->net->layers[i];
    switch (l->kind) {
    case FTSA_LAYER_CONV2D:
        conv2d(l, ref->bias[i], ref->wpad[i], in, ref, out);
        activate(l, ref->thr[i], out);
        break;
    case FTSA_LAYER_FC:
        fc(l, ref->bias[i], ref->wpad[i], in, ref, out);
        activate(l, ref->thr[i], out);
        break;
    case FTSA_LAYER_MAXPOOL: maxpool(l, in, out); break;
    case FTSA_LAYER_AVGPOOL_GLOBAL: avgpool_global(l, in, out); break;
    case FTSA_LAYER_FLATTEN:
    default: memcpy(out, in, ftsa_shape_elems(l->in)); break;
    }
}

ftsa_status_t ftsa_ref_init(ftsa_ref_t *ref, const ftsa_net_t *net, ftsa_err_t *err)
{
    memset(ref, 0, sizeof *ref);
    ftsa_status_t st = ftsa_net_validate(net, err);
    if (st)
        return st;
    ref->net = net;
    ref->out = calloc(net->n_layers, sizeof *ref->out);
    ref->bias = calloc(net->n_layers, sizeof *ref->bias);
    ref->wpad = calloc(net->n_layers, sizeof *ref->wpad);
    ref->thr = calloc(net->n_layers, sizeof *ref->thr);
    ref->act_masks = calloc(net->n_layers, sizeof *ref->act_masks);
    ref->n_act_masks = calloc(net->n_layers, sizeof *ref->n_act_masks);
    uint32_t max_fan_in = 1, max_acc = 1;
    size_t max_framed = 1;
    if (!ref->out || !ref->bias || !ref->wpad || !ref->thr || !ref->act_masks || !ref->n_act_masks)
        goto nomem;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        ref->out[i] = malloc(ftsa_shape_elems(l->out));
        if (!ref->out[i])
            goto nomem;
        if (!ftsa_layer_has_weights(l))
            continue;
        uint32_t fan_in = ftsa_layer_fan_in(l);
        if (fan_in > max_fan_in)
            max_fan_in = fan_in;
        uint32_t k = padded(fan_in);
        uint32_t n_out = ftsa_shape_elems(l->out);
        if (n_out > max_acc)
            max_acc = n_out;
        if (ftsa_act_needs_thr(l->act)) {
            ref->thr[i] = malloc(n_out);
            if (!ref->thr[i])
                goto nomem;
            for (uint32_t idx = 0; idx < n_out; idx++)
                ref->thr[i][idx] = ftsa_layer_thr_at(l, idx, idx % l->out.c);
        }
        size_t framed = (size_t)(l->in.h + 2 * l->pad) * (l->in.w + 2 * l->pad) * l->in.c;
        if (l->kind == FTSA_LAYER_CONV2D && framed > max_framed)
            max_framed = framed;
        ref->bias[i] = malloc(l->out.c * sizeof(int32_t));
        ref->wpad[i] = calloc((size_t)l->out.c * k, 1);
        if (!ref->bias[i] || !ref->wpad[i])
            goto nomem;
        for (uint32_t oc = 0; oc < l->out.c; oc++) {
            const int8_t *w = l->weights + (size_t)oc * fan_in;
            ref->bias[i][oc] = ftsa_fold_bias(l->bias[oc], l->in_zp, w, fan_in);
            memcpy(ref->wpad[i] + (size_t)oc * k, w, fan_in);
        }
    }
    ref->cols = calloc(padded(max_fan_in), 1);
    ref->acc = malloc(max_acc * sizeof *ref->acc);
    ref->framed = malloc(max_framed);
    if (!ref->cols || !ref->acc || !ref->framed)
        goto nomem;
    return FTSA_OK;
nomem:
    ftsa_ref_free(ref);
    return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the reference model workspace");
}

void ftsa_ref_free(ftsa_ref_t *ref)
{
    if (ref->net) {
        for (uint32_t i = 0; i < ref->net->n_layers; i++) {
            if (ref->out)
                free(ref->out[i]);
            if (ref->bias)
                free(ref->bias[i]);
            if (ref->wpad)
                free(ref->wpad[i]);
            if (ref->thr)
                free(ref->thr[i]);
            if (ref->act_masks)
                free(ref->act_masks[i]);
        }
    }
    free(ref->out);
    free(ref->bias);
    free(ref->wpad);
    free(ref->thr);
    free(ref->act_masks);
    free(ref->n_act_masks);
    free(ref->cols);
    free(ref->acc);
    free(ref->framed);
    memset(ref, 0, sizeof *ref);
}

ftsa_status_t ftsa_ref_set_act_masks(ftsa_ref_t *ref, uint32_t layer, const ftsa_act_mask_t *masks,
                                     uint32_t n, ftsa_err_t *err)
{
    if (layer >= ref->net->n_layers)
        return ftsa_fail(err, FTSA_E_INVALID, "layer %u: the network has %u layers", layer,
                         ref->net->n_layers);
    uint32_t elems = ftsa_shape_elems(ref->net->layers[layer].out);
    for (uint32_t i = 0; i < n; i++)
        if (masks[i].index >= elems)
            return ftsa_fail(err, FTSA_E_INVALID, "layer %u output: index %u out of range (%u)",
                             layer, masks[i].index, elems);
    ftsa_act_mask_t *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for activation faults");
        memcpy(copy, masks, n * sizeof *copy);
    }
    free(ref->act_masks[layer]);
    ref->act_masks[layer] = copy;
    ref->n_act_masks[layer] = n;
    return FTSA_OK;
}

void ftsa_ref_run(ftsa_ref_t *ref, const int8_t *input)
{
    const int8_t *in = input;
    for (uint32_t i = 0; i < ref->net->n_layers; i++) {
        int8_t *out = ref->out[i];
        run_layer(ref, i, in, out);
        const ftsa_act_mask_t *m = ref->act_masks[i];
        for (uint32_t k = 0; k < ref->n_act_masks[i]; k++) {
            uint8_t v = (uint8_t)out[m[k].index];
            out[m[k].index] = (int8_t)(uint8_t)(((v & m[k].and_mask) | m[k].or_mask) ^ m[k].xor_mask);
        }
        in = out;
    }
}

uint32_t ftsa_argmax_i8(const int8_t *v, uint32_t n)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

uint32_t ftsa_ref_argmax(const ftsa_ref_t *ref)
{
    const ftsa_net_t *net = ref->net;
    return ftsa_argmax_i8(ref->out[net->n_layers - 1],
                          ftsa_shape_elems(net->layers[net->n_layers - 1].out));
}
