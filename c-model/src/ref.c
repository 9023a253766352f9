#include "ftsa/ref.h"

#include <stdlib.h>
#include <string.h>

/* Products are at most 2^14 in magnitude, so 65536 of them fit an int32; longer
 * dot products combine chunks with the accumulator's wrapping add. */
#define DOT_CHUNK 65536u

static int32_t dot_i8(const int8_t *restrict a, const int8_t *restrict b, uint32_t n)
{
    int32_t total = 0;
    for (uint32_t base = 0; base < n; base += DOT_CHUNK) {
        uint32_t end = n - base < DOT_CHUNK ? n : base + DOT_CHUNK;
        int32_t acc = 0;
        for (uint32_t i = base; i < end; i++)
            acc += (int32_t)a[i] * (int32_t)b[i];
        total = ftsa_wrap_add(total, acc);
    }
    return total;
}

/* Accumulate -> requantize -> activation for one output position (all channels). */
static void post_position(const ftsa_layer_t *l, const int32_t *bias, const int8_t *row,
                          uint32_t pos, int8_t *out)
{
    uint32_t fan_in = ftsa_layer_fan_in(l);
    uint32_t oc_n = l->out.c;
    int8_t zp = (int8_t)l->out_zp;
    for (uint32_t oc = 0; oc < oc_n; oc++) {
        int32_t acc = ftsa_wrap_add(bias[oc], dot_i8(row, l->weights + (size_t)oc * fan_in, fan_in));
        int8_t q = ftsa_requantize(acc, l->multiplier[oc], l->shift[oc], l->out_zp);
        uint32_t idx = pos * oc_n + oc;
        out[idx] = ftsa_activate(q, l->act, zp, ftsa_layer_thr_at(l, idx, oc));
    }
}

/* Gather one receptive field (kh x kw x in.c, HWC order) with zero-point padding. */
static void gather_window(const ftsa_layer_t *l, const int8_t *in, uint32_t oy, uint32_t ox,
                          int8_t *row)
{
    uint32_t c = l->in.c;
    int32_t y0 = (int32_t)(oy * l->stride) - (int32_t)l->pad;
    int32_t x0 = (int32_t)(ox * l->stride) - (int32_t)l->pad;
    for (uint32_t ky = 0; ky < l->kh; ky++) {
        int32_t y = y0 + (int32_t)ky;
        for (uint32_t kx = 0; kx < l->kw; kx++) {
            int32_t x = x0 + (int32_t)kx;
            int8_t *dst = row + (ky * l->kw + kx) * c;
            if (y < 0 || x < 0 || y >= (int32_t)l->in.h || x >= (int32_t)l->in.w)
                memset(dst, (int8_t)l->in_zp, c);
            else
                memcpy(dst, in + ((size_t)y * l->in.w + (uint32_t)x) * c, c);
        }
    }
}

static void conv2d(const ftsa_layer_t *l, const int32_t *bias, const int8_t *in, int8_t *cols,
                   int8_t *out)
{
    for (uint32_t oy = 0; oy < l->out.h; oy++)
        for (uint32_t ox = 0; ox < l->out.w; ox++) {
            gather_window(l, in, oy, ox, cols);
            post_position(l, bias, cols, oy * l->out.w + ox, out);
        }
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

void ftsa_ref_layer(const ftsa_layer_t *l, const int32_t *folded_bias, const int8_t *in,
                    int8_t *cols, int8_t *out)
{
    switch (l->kind) {
    case FTSA_LAYER_CONV2D: conv2d(l, folded_bias, in, cols, out); break;
    case FTSA_LAYER_FC: post_position(l, folded_bias, in, 0, out); break;
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
    uint32_t max_fan_in = 1;
    if (!ref->out || !ref->bias)
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
        ref->bias[i] = malloc(l->out.c * sizeof(int32_t));
        if (!ref->bias[i])
            goto nomem;
        for (uint32_t oc = 0; oc < l->out.c; oc++)
            ref->bias[i][oc] =
                ftsa_fold_bias(l->bias[oc], l->in_zp, l->weights + (size_t)oc * fan_in, fan_in);
    }
    ref->cols = malloc(max_fan_in);
    if (!ref->cols)
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
        }
    }
    free(ref->out);
    free(ref->bias);
    free(ref->cols);
    memset(ref, 0, sizeof *ref);
}

void ftsa_ref_run(ftsa_ref_t *ref, const int8_t *input)
{
    const int8_t *in = input;
    for (uint32_t i = 0; i < ref->net->n_layers; i++) {
        ftsa_ref_layer(&ref->net->layers[i], ref->bias[i], in, ref->cols, ref->out[i]);
        in = ref->out[i];
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
