/* Building a training network: layer shapes, parameter layout, workspaces,
 * the model-zoo architectures and initialisation. */
#include "ftsa/tnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/rng.h"

void ftsa_tnet_init(ftsa_tnet_t *net, ftsa_shape_t input)
{
    memset(net, 0, sizeof *net);
    net->input = input;
    net->weight_bits = 8;
}

static ftsa_shape_t last_shape(const ftsa_tnet_t *net)
{
    return net->n_layers ? net->layers[net->n_layers - 1].out : net->input;
}

static ftsa_status_t append(ftsa_tnet_t *net, ftsa_tlayer_t *l, ftsa_err_t *err)
{
    if (net->max_batch)
        return ftsa_fail(err, FTSA_E_INVALID, "network already finalized");
    if (ftsa_shape_elems(l->out) == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "layer %u (%s) would have an empty output",
                         net->n_layers, l->kind == FTSA_TL_CONV2D ? "conv2d" : "pool");
    ftsa_tlayer_t *grown = realloc(net->layers, (net->n_layers + 1) * sizeof *grown);
    if (!grown)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for layers");
    net->layers = grown;
    if (l->fan_in) {
        l->w_off = net->n_params;
        l->b_off = l->w_off + (size_t)l->fan_in * l->out.c;
        net->n_params = l->b_off + l->out.c;
    }
    net->layers[net->n_layers++] = *l;
    return FTSA_OK;
}

ftsa_status_t ftsa_tnet_add_conv(ftsa_tnet_t *net, uint32_t out_c, uint32_t k, uint32_t stride,
                                 uint32_t pad, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    if (out_c == 0 || k == 0 || stride == 0 || pad >= k)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "conv2d needs channels, kernel and stride >= 1 and pad < kernel");
    if (in.h + 2 * pad < k || in.w + 2 * pad < k)
        return ftsa_fail(err, FTSA_E_INVALID, "conv2d kernel %u larger than padded input %ux%u", k,
                         in.h + 2 * pad, in.w + 2 * pad);
    ftsa_tlayer_t l = {.kind = FTSA_TL_CONV2D, .in = in, .k = k, .stride = stride, .pad = pad};
    l.out = (ftsa_shape_t){(in.h + 2 * pad - k) / stride + 1, (in.w + 2 * pad - k) / stride + 1,
                           out_c};
    l.fan_in = k * k * in.c;
    return append(net, &l, err);
}

ftsa_status_t ftsa_tnet_add_maxpool(ftsa_tnet_t *net, uint32_t k, uint32_t stride, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    if (k == 0 || stride == 0 || in.h < k || in.w < k)
        return ftsa_fail(err, FTSA_E_INVALID, "maxpool window %u stride %u on %ux%u input", k,
                         stride, in.h, in.w);
    ftsa_tlayer_t l = {.kind = FTSA_TL_MAXPOOL, .in = in, .k = k, .stride = stride};
    l.out = (ftsa_shape_t){(in.h - k) / stride + 1, (in.w - k) / stride + 1, in.c};
    return append(net, &l, err);
}

ftsa_status_t ftsa_tnet_add_avgpool(ftsa_tnet_t *net, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    ftsa_tlayer_t l = {.kind = FTSA_TL_AVGPOOL_GLOBAL, .in = in, .out = {1, 1, in.c}};
    return append(net, &l, err);
}

ftsa_status_t ftsa_tnet_add_fc(ftsa_tnet_t *net, uint32_t out, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    if (out == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "fully connected layer needs >= 1 output");
    ftsa_tlayer_t l = {.kind = FTSA_TL_FC, .in = in, .out = {1, 1, out}};
    l.fan_in = ftsa_shape_elems(in);
    return append(net, &l, err);
}

ftsa_status_t ftsa_tnet_add_flatten(ftsa_tnet_t *net, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    ftsa_tlayer_t l = {.kind = FTSA_TL_FLATTEN, .in = in, .out = {1, 1, ftsa_shape_elems(in)}};
    return append(net, &l, err);
}

ftsa_status_t ftsa_tnet_add_relu(ftsa_tnet_t *net, ftsa_err_t *err)
{
    ftsa_shape_t in = last_shape(net);
    ftsa_tlayer_t l = {.kind = FTSA_TL_RELU, .in = in, .out = in};
    return append(net, &l, err);
}

/* Quantization points: conv/fc outputs, moved onto a directly following ReLU. */
static void mark_qpoints(ftsa_tnet_t *net)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_tlayer_t *l = &net->layers[i];
        if (!l->fan_in)
            continue;
        int fused = i + 1 < net->n_layers && net->layers[i + 1].kind == FTSA_TL_RELU;
        net->layers[fused ? i + 1 : i].qpoint = 1;
    }
}

ftsa_status_t ftsa_tnet_finalize(ftsa_tnet_t *net, uint32_t max_batch, ftsa_err_t *err)
{
    if (net->max_batch)
        return ftsa_fail(err, FTSA_E_INVALID, "network already finalized");
    if (net->n_layers == 0 || max_batch == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "network needs layers and a batch size >= 1");
    mark_qpoints(net);
    size_t scratch = 1;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_tlayer_t *l = &net->layers[i];
        size_t n = (size_t)max_batch * ftsa_shape_elems(l->out);
        l->y = malloc(n * sizeof *l->y);
        l->dy = malloc(n * sizeof *l->dy);
        if (!l->y || !l->dy)
            goto nomem;
        if (l->kind == FTSA_TL_CONV2D) {
            size_t rows = (size_t)max_batch * l->out.h * l->out.w * l->fan_in;
            l->cols = malloc(rows * sizeof *l->cols);
            if (!l->cols)
                goto nomem;
            if (rows > scratch)
                scratch = rows;
        }
        if (l->kind == FTSA_TL_MAXPOOL && !(l->argmax = malloc(n * sizeof *l->argmax)))
            goto nomem;
        if (l->qpoint && !(l->pass = malloc(n)))
            goto nomem;
    }
    size_t np = net->n_params ? net->n_params : 1;
    net->params = calloc(np, sizeof *net->params);
    net->grads = calloc(np, sizeof *net->grads);
    net->fq = calloc(np, sizeof *net->fq);
    net->scratch = malloc(scratch * sizeof *net->scratch);
    net->input_grad = malloc((size_t)max_batch * ftsa_shape_elems(net->input) * sizeof(float));
    if (!net->params || !net->grads || !net->fq || !net->scratch || !net->input_grad)
        goto nomem;
    net->max_batch = max_batch;
    return FTSA_OK;
nomem:
    return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a batch of %u", max_batch);
}

void ftsa_tnet_free(ftsa_tnet_t *net)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_tlayer_t *l = &net->layers[i];
        free(l->y);
        free(l->dy);
        free(l->cols);
        free(l->argmax);
        free(l->pass);
    }
    free(net->layers);
    free(net->params);
    free(net->grads);
    free(net->fq);
    free(net->scratch);
    free(net->input_grad);
    memset(net, 0, sizeof *net);
}

static ftsa_status_t build_lenet5(ftsa_tnet_t *net, ftsa_err_t *err)
{
    ftsa_status_t st;
    if ((st = ftsa_tnet_add_conv(net, 6, 5, 1, 2, err)) || (st = ftsa_tnet_add_relu(net, err)) ||
        (st = ftsa_tnet_add_maxpool(net, 2, 2, err)) ||
        (st = ftsa_tnet_add_conv(net, 16, 5, 1, 0, err)) || (st = ftsa_tnet_add_relu(net, err)) ||
        (st = ftsa_tnet_add_maxpool(net, 2, 2, err)) || (st = ftsa_tnet_add_flatten(net, err)) ||
        (st = ftsa_tnet_add_fc(net, 120, err)) || (st = ftsa_tnet_add_relu(net, err)) ||
        (st = ftsa_tnet_add_fc(net, 84, err)) || (st = ftsa_tnet_add_relu(net, err)) ||
        (st = ftsa_tnet_add_fc(net, 10, err)))
        return st;
    return FTSA_OK;
}

static ftsa_status_t build_mlp(ftsa_tnet_t *net, ftsa_err_t *err)
{
    ftsa_status_t st;
    if ((st = ftsa_tnet_add_flatten(net, err)) || (st = ftsa_tnet_add_fc(net, 256, err)) ||
        (st = ftsa_tnet_add_relu(net, err)) || (st = ftsa_tnet_add_fc(net, 256, err)) ||
        (st = ftsa_tnet_add_relu(net, err)) || (st = ftsa_tnet_add_fc(net, 10, err)))
        return st;
    return FTSA_OK;
}

const char *ftsa_tnet_arch_names(void)
{
    return "lenet5, mlp";
}

ftsa_status_t ftsa_tnet_build_arch(ftsa_tnet_t *net, const char *arch, uint32_t max_batch,
                                   ftsa_err_t *err)
{
    ftsa_tnet_init(net, (ftsa_shape_t){28, 28, 1});
    ftsa_status_t st;
    if (!strcmp(arch, "lenet5"))
        st = build_lenet5(net, err);
    else if (!strcmp(arch, "mlp"))
        st = build_mlp(net, err);
    else
        st = ftsa_fail(err, FTSA_E_INVALID, "unknown architecture '%s' (known: %s)", arch,
                       ftsa_tnet_arch_names());
    if (!st)
        st = ftsa_tnet_finalize(net, max_batch, err);
    if (st)
        ftsa_tnet_free(net);
    return st;
}

void ftsa_tnet_init_params(ftsa_tnet_t *net, uint64_t seed)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0);
    memset(net->params, 0, net->n_params * sizeof *net->params);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tlayer_t *l = &net->layers[i];
        if (!l->fan_in)
            continue;
        double std = sqrt(2.0 / l->fan_in);
        size_t n = (size_t)l->fan_in * l->out.c;
        for (size_t j = 0; j < n; j++)
            net->params[l->w_off + j] = (float)(std * ftsa_rng_normal(&rng));
    }
}

static uint64_t fnv(uint64_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t ftsa_tnet_signature(const ftsa_tnet_t *net)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(fnv(fnv(h, net->input.h), net->input.w), net->input.c);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tlayer_t *l = &net->layers[i];
        uint32_t f[] = {l->kind, l->out.h, l->out.w, l->out.c, l->k, l->stride, l->pad};
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
            h = fnv(h, f[j]);
    }
    return h;
}

void ftsa_tnet_pixels_to_input(const uint8_t *pixels, size_t count, float *x)
{
    for (size_t i = 0; i < count; i++)
        x[i] = (float)pixels[i] / 255.0f;
}
