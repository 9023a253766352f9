#include "ftsa/net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ftsa_layer_kind_name(ftsa_layer_kind_t kind)
{
    static const char *names[] = {"conv2d", "maxpool", "avgpool_global", "fc", "flatten"};
    return (unsigned)kind < FTSA_LAYER_KIND_COUNT ? names[kind] : "?";
}

const char *ftsa_act_mode_name(ftsa_act_mode_t mode)
{
    static const char *names[] = {"none", "relu", "clip", "saturate"};
    return (unsigned)mode < FTSA_ACT_COUNT ? names[mode] : "?";
}

const char *ftsa_thr_source_name(ftsa_thr_source_t src)
{
    static const char *names[] = {"layer", "channel", "neuron"};
    return (unsigned)src < FTSA_THR_SOURCE_COUNT ? names[src] : "?";
}

uint32_t ftsa_layer_fan_in(const ftsa_layer_t *l)
{
    switch (l->kind) {
    case FTSA_LAYER_CONV2D: return l->kh * l->kw * l->in.c;
    case FTSA_LAYER_FC: return ftsa_shape_elems(l->in);
    default: return 0;
    }
}

uint32_t ftsa_layer_weight_count(const ftsa_layer_t *l)
{
    return ftsa_layer_has_weights(l) ? ftsa_layer_fan_in(l) * l->out.c : 0;
}

uint32_t ftsa_layer_thr_count(const ftsa_layer_t *l)
{
    if (!ftsa_act_needs_thr(l->act))
        return 0;
    switch (l->thr_src) {
    case FTSA_THR_LAYER: return 1;
    case FTSA_THR_CHANNEL: return l->out.c;
    case FTSA_THR_NEURON: return ftsa_shape_elems(l->out);
    default: return 0;
    }
}

int8_t ftsa_layer_thr_at(const ftsa_layer_t *l, uint32_t idx, uint32_t ch)
{
    if (!l->thr)
        return 127;
    switch (l->thr_src) {
    case FTSA_THR_CHANNEL: return l->thr[ch];
    case FTSA_THR_NEURON: return l->thr[idx];
    case FTSA_THR_LAYER:
    default: return l->thr[0];
    }
}

uint64_t ftsa_layer_macs(const ftsa_layer_t *l)
{
    if (!ftsa_layer_has_weights(l))
        return 0;
    return (uint64_t)ftsa_layer_fan_in(l) * ftsa_shape_elems(l->out);
}

ftsa_status_t ftsa_layer_out_shape(const ftsa_layer_t *l, ftsa_shape_t in, ftsa_shape_t *out,
                                   ftsa_err_t *err)
{
    switch (l->kind) {
    case FTSA_LAYER_CONV2D:
    case FTSA_LAYER_MAXPOOL: {
        uint32_t pad = l->kind == FTSA_LAYER_CONV2D ? l->pad : 0;
        if (l->kh == 0 || l->kw == 0 || l->kh > FTSA_MAX_KERNEL || l->kw > FTSA_MAX_KERNEL)
            return ftsa_fail(err, FTSA_E_INVALID, "kernel %ux%u outside 1..%u", l->kh, l->kw,
                             FTSA_MAX_KERNEL);
        if (l->stride == 0 || l->stride > FTSA_MAX_KERNEL)
            return ftsa_fail(err, FTSA_E_INVALID, "stride %u outside 1..%u", l->stride,
                             FTSA_MAX_KERNEL);
        if (pad >= l->kh || pad >= l->kw)
            return ftsa_fail(err, FTSA_E_INVALID, "padding %u must be smaller than the kernel %ux%u",
                             pad, l->kh, l->kw);
        if (in.h + 2 * pad < l->kh || in.w + 2 * pad < l->kw)
            return ftsa_fail(err, FTSA_E_INVALID, "kernel %ux%u larger than padded input %ux%u",
                             l->kh, l->kw, in.h + 2 * pad, in.w + 2 * pad);
        out->h = (in.h + 2 * pad - l->kh) / l->stride + 1;
        out->w = (in.w + 2 * pad - l->kw) / l->stride + 1;
        out->c = l->kind == FTSA_LAYER_CONV2D ? l->out.c : in.c;
        return FTSA_OK;
    }
    case FTSA_LAYER_AVGPOOL_GLOBAL:
        *out = (ftsa_shape_t){1, 1, in.c};
        return FTSA_OK;
    case FTSA_LAYER_FC:
        *out = (ftsa_shape_t){1, 1, l->out.c};
        return FTSA_OK;
    case FTSA_LAYER_FLATTEN:
        *out = (ftsa_shape_t){1, 1, ftsa_shape_elems(in)};
        return FTSA_OK;
    default:
        return ftsa_fail(err, FTSA_E_INVALID, "unknown layer kind %d", (int)l->kind);
    }
}

static ftsa_status_t check_shape(ftsa_shape_t s, const char *what, ftsa_err_t *err)
{
    if (s.h == 0 || s.w == 0 || s.c == 0 || s.h > FTSA_MAX_DIM || s.w > FTSA_MAX_DIM ||
        s.c > FTSA_MAX_DIM)
        return ftsa_fail(err, FTSA_E_INVALID, "%s shape %ux%ux%u: each dimension must be 1..%u",
                         what, s.h, s.w, s.c, FTSA_MAX_DIM);
    if ((uint64_t)s.h * s.w * s.c > FTSA_MAX_ELEMS)
        return ftsa_fail(err, FTSA_E_INVALID, "%s shape %ux%ux%u has more than %u elements", what,
                         s.h, s.w, s.c, FTSA_MAX_ELEMS);
    return FTSA_OK;
}

static int scale_ok(float s)
{
    return isfinite(s) && s > 0.0f;
}

static ftsa_status_t validate_layer(const ftsa_layer_t *l, ftsa_shape_t in, float in_scale,
                                    int32_t in_zp, int profiled, ftsa_err_t *err)
{
    ftsa_status_t st;
    if ((unsigned)l->kind >= FTSA_LAYER_KIND_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown layer kind %d", (int)l->kind);
    if ((st = check_shape(l->in, "input", err)))
        return st;
    if (l->in.h != in.h || l->in.w != in.w || l->in.c != in.c)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "input shape %ux%ux%u does not match the previous output %ux%ux%u", l->in.h,
                         l->in.w, l->in.c, in.h, in.w, in.c);
    if (l->in_zp != in_zp || l->in_scale != in_scale)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "input quantization (scale %g, zero point %d) does not match the previous "
                         "output (scale %g, zero point %d)",
                         (double)l->in_scale, l->in_zp, (double)in_scale, in_zp);
    if (l->kind == FTSA_LAYER_CONV2D || l->kind == FTSA_LAYER_FC) {
        if (l->out.c == 0 || l->out.c > FTSA_MAX_DIM)
            return ftsa_fail(err, FTSA_E_INVALID, "%u output channels: must be 1..%u", l->out.c,
                             FTSA_MAX_DIM);
    }
    ftsa_shape_t expect;
    if ((st = ftsa_layer_out_shape(l, in, &expect, err)))
        return st;
    if ((st = check_shape(l->out, "output", err)))
        return st;
    if (expect.h != l->out.h || expect.w != l->out.w || expect.c != l->out.c)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "output shape %ux%ux%u inconsistent with the layer geometry (expected "
                         "%ux%ux%u)",
                         l->out.h, l->out.w, l->out.c, expect.h, expect.w, expect.c);
    if (l->kind == FTSA_LAYER_AVGPOOL_GLOBAL && in.h * in.w > 65536u)
        return ftsa_fail(err, FTSA_E_INVALID, "global average pool over %u positions (max 65536)",
                         in.h * in.w);
    if (!scale_ok(l->in_scale) || !scale_ok(l->out_scale))
        return ftsa_fail(err, FTSA_E_INVALID, "scales must be finite and positive");
    if (l->in_zp < -128 || l->in_zp > 127 || l->out_zp < -128 || l->out_zp > 127)
        return ftsa_fail(err, FTSA_E_INVALID, "zero points must be in [-128, 127]");
    if (!ftsa_layer_has_weights(l)) {
        if (l->out_zp != l->in_zp || l->out_scale != l->in_scale)
            return ftsa_fail(err, FTSA_E_INVALID, "%s must keep its input quantization",
                             ftsa_layer_kind_name(l->kind));
        if (l->act != FTSA_ACT_NONE)
            return ftsa_fail(err, FTSA_E_INVALID, "%s cannot have an activation stage",
                             ftsa_layer_kind_name(l->kind));
        if (l->prof_max)
            return ftsa_fail(err, FTSA_E_INVALID, "%s cannot have an activation profile",
                             ftsa_layer_kind_name(l->kind));
        return FTSA_OK;
    }
    if (!l->weights || !l->bias || !l->multiplier || !l->shift || !l->w_scale)
        return ftsa_fail(err, FTSA_E_INVALID, "weights or quantization parameters missing");
    if ((uint64_t)ftsa_layer_fan_in(l) * l->out.c > FTSA_MAX_ELEMS)
        return ftsa_fail(err, FTSA_E_INVALID, "%u x %u weights: more than %u", ftsa_layer_fan_in(l),
                         l->out.c, FTSA_MAX_ELEMS);
    for (uint32_t c = 0; c < l->out.c; c++) {
        if (l->multiplier[c] < 0)
            return ftsa_fail(err, FTSA_E_INVALID, "channel %u: negative multiplier %d", c,
                             l->multiplier[c]);
        if (l->shift[c] < FTSA_SHIFT_MIN || l->shift[c] > FTSA_SHIFT_MAX)
            return ftsa_fail(err, FTSA_E_INVALID, "channel %u: shift %d outside [%d, %d]", c,
                             l->shift[c], FTSA_SHIFT_MIN, FTSA_SHIFT_MAX);
        if (!scale_ok(l->w_scale[c]))
            return ftsa_fail(err, FTSA_E_INVALID, "channel %u: weight scale must be finite and positive", c);
    }
    if (!l->prof_max != !profiled)
        return ftsa_fail(err, FTSA_E_INVALID, profiled ? "activation profile missing"
                                                        : "activation profile without a profiled network");
    if ((unsigned)l->act >= FTSA_ACT_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown activation mode %d", (int)l->act);
    if ((unsigned)l->thr_src >= FTSA_THR_SOURCE_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown threshold source %d", (int)l->thr_src);
    if (ftsa_act_needs_thr(l->act) && !l->thr)
        return ftsa_fail(err, FTSA_E_INVALID, "activation %s needs thresholds",
                         ftsa_act_mode_name(l->act));
    return FTSA_OK;
}

ftsa_status_t ftsa_net_validate(const ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_status_t st;
    if ((st = check_shape(net->input, "network input", err)))
        return st;
    if (!scale_ok(net->in_scale) || net->in_zp < -128 || net->in_zp > 127)
        return ftsa_fail(err, FTSA_E_INVALID, "network input quantization invalid");
    if (net->n_layers == 0 || net->n_layers > FTSA_MAX_LAYERS)
        return ftsa_fail(err, FTSA_E_INVALID, "%u layers: must be 1..%u", net->n_layers,
                         FTSA_MAX_LAYERS);
    ftsa_shape_t in = net->input;
    float scale = net->in_scale;
    int32_t zp = net->in_zp;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        if ((st = validate_layer(l, in, scale, zp, net->prof_images > 0, err))) {
            ftsa_err_prefix(err, "layer %u (%s): ", i, ftsa_layer_kind_name(l->kind));
            return st;
        }
        in = l->out;
        scale = l->out_scale;
        zp = l->out_zp;
    }
    return FTSA_OK;
}

static void *zalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

ftsa_status_t ftsa_layer_alloc(ftsa_layer_t *l, ftsa_err_t *err)
{
    if (ftsa_layer_has_weights(l)) {
        uint32_t oc = l->out.c;
        l->weights = zalloc(ftsa_layer_weight_count(l), 1);
        l->bias = zalloc(oc, sizeof *l->bias);
        l->multiplier = zalloc(oc, sizeof *l->multiplier);
        l->shift = zalloc(oc, sizeof *l->shift);
        l->w_scale = zalloc(oc, sizeof *l->w_scale);
        if (!l->weights || !l->bias || !l->multiplier || !l->shift || !l->w_scale)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for layer parameters");
    }
    uint32_t nt = ftsa_layer_thr_count(l);
    if (nt) {
        l->thr = malloc(nt);
        if (!l->thr)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for thresholds");
        memset(l->thr, 127, nt);
    }
    return FTSA_OK;
}

void ftsa_layer_free(ftsa_layer_t *l)
{
    free(l->weights);
    free(l->bias);
    free(l->multiplier);
    free(l->shift);
    free(l->w_scale);
    free(l->thr);
    free(l->prof_max);
    l->prof_max = NULL;
    l->weights = NULL;
    l->bias = l->multiplier = NULL;
    l->shift = l->thr = NULL;
    l->w_scale = NULL;
}

void ftsa_net_init(ftsa_net_t *net)
{
    memset(net, 0, sizeof *net);
}

void ftsa_net_free(ftsa_net_t *net)
{
    for (uint32_t i = 0; i < net->n_layers; i++)
        ftsa_layer_free(&net->layers[i]);
    free(net->layers);
    ftsa_net_init(net);
}

ftsa_status_t ftsa_net_append(ftsa_net_t *net, const ftsa_layer_t *layer, ftsa_err_t *err)
{
    if (net->n_layers >= FTSA_MAX_LAYERS)
        return ftsa_fail(err, FTSA_E_INVALID, "more than %u layers", FTSA_MAX_LAYERS);
    ftsa_layer_t *grown = realloc(net->layers, (net->n_layers + 1) * sizeof *grown);
    if (!grown)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for layer list");
    net->layers = grown;
    net->layers[net->n_layers++] = *layer;
    return FTSA_OK;
}

static void *dup(const void *src, size_t n)
{
    if (!src)
        return NULL;
    void *p = malloc(n ? n : 1);
    if (p)
        memcpy(p, src, n);
    return p;
}

ftsa_status_t ftsa_net_clone(const ftsa_net_t *src, ftsa_net_t *dst, ftsa_err_t *err)
{
    ftsa_net_init(dst);
    memcpy(dst->name, src->name, sizeof dst->name);
    dst->input = src->input;
    dst->in_scale = src->in_scale;
    dst->in_zp = src->in_zp;
    dst->prof_images = src->prof_images;
    for (uint32_t i = 0; i < src->n_layers; i++) {
        const ftsa_layer_t *s = &src->layers[i];
        ftsa_layer_t l = *s;
        uint32_t oc = ftsa_layer_has_weights(s) ? s->out.c : 0;
        l.weights = dup(s->weights, ftsa_layer_weight_count(s));
        l.bias = dup(s->bias, oc * sizeof *s->bias);
        l.multiplier = dup(s->multiplier, oc * sizeof *s->multiplier);
        l.shift = dup(s->shift, oc);
        l.w_scale = dup(s->w_scale, oc * sizeof *s->w_scale);
        l.thr = dup(s->thr, ftsa_layer_thr_count(s));
        l.prof_max = dup(s->prof_max, ftsa_shape_elems(s->out));
        if ((s->weights && !l.weights) || (s->bias && !l.bias) || (s->multiplier && !l.multiplier) ||
            (s->shift && !l.shift) || (s->w_scale && !l.w_scale) || (s->thr && !l.thr) ||
            (s->prof_max && !l.prof_max) ||
            ftsa_net_append(dst, &l, err)) {
            ftsa_layer_free(&l);
            ftsa_net_free(dst);
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory cloning the network");
        }
    }
    return FTSA_OK;
}

ftsa_shape_t ftsa_net_output_shape(const ftsa_net_t *net)
{
    return net->n_layers ? net->layers[net->n_layers - 1].out : net->input;
}

uint32_t ftsa_net_max_act_elems(const ftsa_net_t *net)
{
    uint32_t m = ftsa_shape_elems(net->input);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        uint32_t n = ftsa_shape_elems(net->layers[i].out);
        if (n > m)
            m = n;
    }
    return m;
}

void ftsa_net_quantize_pixels(const ftsa_net_t *net, const uint8_t *pixels, int8_t *out)
{
    /* A pixel has 256 values: quantize each once per input quantization
     * (one table per thread, rebuilt when the scale or zero point changes). */
    static _Thread_local struct {
        int valid;
        uint32_t scale_bits;
        int32_t zp;
        int8_t q[256];
    } lut;
    uint32_t bits;
    memcpy(&bits, &net->in_scale, sizeof bits);
    if (!lut.valid || lut.scale_bits != bits || lut.zp != net->in_zp) {
        for (int v = 0; v < 256; v++)
            lut.q[v] = ftsa_quantize_value((float)v / 255.0f, net->in_scale, net->in_zp);
        lut.valid = 1, lut.scale_bits = bits, lut.zp = net->in_zp;
    }
    uint32_t n = ftsa_shape_elems(net->input);
    for (uint32_t i = 0; i < n; i++)
        out[i] = lut.q[pixels[i]];
}
