/* Forward and backward passes of the training network, one function per layer
 * kind and direction.  Convolutions are im2col + SGEMM over the whole batch. */
#include "ftsa/tnet.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "fake_quant.h"

static const float *weights_view(const ftsa_tnet_t *net)
{
    return net->qat ? net->fq : net->params;
}

/* Span of kernel columns [kx0, kx1) that lands inside the input for output
 * column ox (the rest reads padding). */
static void kernel_span(const ftsa_tlayer_t *l, uint32_t ox, uint32_t *kx0, uint32_t *kx1,
                        int32_t *x0)
{
    *x0 = (int32_t)(ox * l->stride) - (int32_t)l->pad;
    int32_t lo = *x0 < 0 ? -*x0 : 0;
    int32_t hi = (int32_t)l->in.w - *x0;
    *kx0 = (uint32_t)lo;
    *kx1 = hi < (int32_t)l->k ? (uint32_t)(hi > lo ? hi : lo) : l->k;
}

/* Gather every receptive field of n samples (HWC order, zero padding: the
 * padded int8 value in_zp is real zero).  Within a kernel row the in-range
 * columns are contiguous in HWC memory, so each row is one copy. */
static void im2col(const ftsa_tlayer_t *l, const float *x, uint32_t n)
{
    uint32_t c = l->in.c, kc = l->k * c;
    size_t in_elems = ftsa_shape_elems(l->in);
    float *row = l->cols;
    for (uint32_t s = 0; s < n; s++) {
        const float *xs = x + s * in_elems;
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++, row += l->fan_in) {
                uint32_t kx0, kx1;
                int32_t x0;
                kernel_span(l, ox, &kx0, &kx1, &x0);
                for (uint32_t ky = 0; ky < l->k; ky++) {
                    int32_t y = (int32_t)(oy * l->stride + ky) - (int32_t)l->pad;
                    float *dst = row + ky * kc;
                    if (y < 0 || y >= (int32_t)l->in.h || kx0 >= kx1) {
                        memset(dst, 0, kc * sizeof *dst);
                        continue;
                    }
                    /* Spans are short (k * c floats): plain loops beat memcpy calls. */
                    const float *src =
                        xs + ((size_t)y * l->in.w + (uint32_t)(x0 + (int32_t)kx0)) * c;
                    float *span = dst + kx0 * c;
                    for (uint32_t i = 0; i < kx0 * c; i++)
                        dst[i] = 0.0f;
                    for (uint32_t i = 0; i < (kx1 - kx0) * c; i++)
                        span[i] = src[i];
                    for (uint32_t i = kx1 * c; i < kc; i++)
                        dst[i] = 0.0f;
                }
            }
    }
}

/* Scatter-add receptive-field gradients (rows) back onto the input gradient. */
static void col2im(const ftsa_tlayer_t *l, const float *rows, uint32_t n, float *dx)
{
    uint32_t c = l->in.c, kc = l->k * c;
    size_t in_elems = ftsa_shape_elems(l->in);
    memset(dx, 0, n * in_elems * sizeof *dx);
    const float *row = rows;
    for (uint32_t s = 0; s < n; s++) {
        float *ds = dx + s * in_elems;
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++, row += l->fan_in) {
                uint32_t kx0, kx1;
                int32_t x0;
                kernel_span(l, ox, &kx0, &kx1, &x0);
                for (uint32_t ky = 0; ky < l->k; ky++) {
                    int32_t y = (int32_t)(oy * l->stride + ky) - (int32_t)l->pad;
                    if (y < 0 || y >= (int32_t)l->in.h || kx0 >= kx1)
                        continue;
                    const float *src = row + ky * kc + kx0 * c;
                    float *dst = ds + ((size_t)y * l->in.w + (uint32_t)(x0 + (int32_t)kx0)) * c;
                    for (uint32_t i = 0; i < (kx1 - kx0) * c; i++)
                        dst[i] += src[i];
                }
            }
    }
}

/* Every output row starts as the bias; the product is then accumulated onto it
 * (beta = 1), which spares BLAS a pass that zeroes the output. */
static void fill_bias(float *restrict y, const float *restrict b, size_t rows, uint32_t oc)
{
    for (size_t r = 0; r < rows; r++)
        memcpy(y + r * oc, b, oc * sizeof *y);
}

static void bias_grad(const float *restrict dy, size_t rows, uint32_t oc, float *restrict db)
{
    memset(db, 0, oc * sizeof *db);
    for (size_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < oc; c++)
            db[c] += dy[r * oc + c];
}

static void conv_forward(const ftsa_tnet_t *net, ftsa_tlayer_t *l, const float *x, uint32_t n)
{
    const float *w = weights_view(net);
    int rows = (int)(n * l->out.h * l->out.w);
    im2col(l, x, n);
    fill_bias(l->y, w + l->b_off, (size_t)rows, l->out.c);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, (int)l->out.c, (int)l->fan_in, 1.0f,
                l->cols, (int)l->fan_in, w + l->w_off, (int)l->fan_in, 1.0f, l->y, (int)l->out.c);
}

static void conv_backward(ftsa_tnet_t *net, ftsa_tlayer_t *l, uint32_t n, float *dx)
{
    const float *w = weights_view(net);
    int rows = (int)(n * l->out.h * l->out.w), oc = (int)l->out.c, k = (int)l->fan_in;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, oc, k, rows, 1.0f, l->dy, oc, l->cols, k,
                0.0f, net->grads + l->w_off, k);
    bias_grad(l->dy, (size_t)rows, l->out.c, net->grads + l->b_off);
    if (!dx)
        return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, k, oc, 1.0f, l->dy, oc,
                w + l->w_off, k, 0.0f, net->scratch, k);
    col2im(l, net->scratch, n, dx);
}

static void fc_forward(const ftsa_tnet_t *net, ftsa_tlayer_t *l, const float *x, uint32_t n)
{
    const float *w = weights_view(net);
    fill_bias(l->y, w + l->b_off, n, l->out.c);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)l->out.c, (int)l->fan_in,
                1.0f, x, (int)l->fan_in, w + l->w_off, (int)l->fan_in, 1.0f, l->y, (int)l->out.c);
}

static void fc_backward(ftsa_tnet_t *net, ftsa_tlayer_t *l, const float *x, uint32_t n, float *dx)
{
    const float *w = weights_view(net);
    int o = (int)l->out.c, k = (int)l->fan_in;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o, k, (int)n, 1.0f, l->dy, o, x, k, 0.0f,
                net->grads + l->w_off, k);
    bias_grad(l->dy, n, l->out.c, net->grads + l->b_off);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, k, o, 1.0f, l->dy, o,
                    w + l->w_off, k, 0.0f, dx, k);
}

static void maxpool_forward(ftsa_tlayer_t *l, const float *x, uint32_t n)
{
    uint32_t c = l->in.c;
    size_t in_elems = ftsa_shape_elems(l->in), j = 0;
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++)
                for (uint32_t ch = 0; ch < c; ch++, j++) {
                    size_t best = 0;
                    float m = -INFINITY;
                    for (uint32_t ky = 0; ky < l->k; ky++)
                        for (uint32_t kx = 0; kx < l->k; kx++) {
                            size_t idx = s * in_elems +
                                         (((size_t)(oy * l->stride + ky) * l->in.w +
                                           ox * l->stride + kx) * c + ch);
                            if (x[idx] > m) {
                                m = x[idx];
                                best = idx;
                            }
                        }
                    l->y[j] = m;
                    l->argmax[j] = (uint32_t)best;
                }
}

static void maxpool_backward(const ftsa_tlayer_t *l, uint32_t n, float *restrict dx)
{
    size_t outs = (size_t)n * ftsa_shape_elems(l->out);
    const float *restrict dy = l->dy;
    const uint32_t *restrict from = l->argmax;
    memset(dx, 0, (size_t)n * ftsa_shape_elems(l->in) * sizeof *dx);
    for (size_t j = 0; j < outs; j++)
        dx[from[j]] += dy[j];
}

static void avgpool_forward(ftsa_tlayer_t *l, const float *x, uint32_t n)
{
    uint32_t c = l->in.c, pos = l->in.h * l->in.w;
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t ch = 0; ch < c; ch++) {
            double sum = 0.0;
            for (uint32_t p = 0; p < pos; p++)
                sum += x[((size_t)s * pos + p) * c + ch];
            l->y[(size_t)s * c + ch] = (float)(sum / pos);
        }
}

static void avgpool_backward(const ftsa_tlayer_t *l, uint32_t n, float *dx)
{
    uint32_t c = l->in.c, pos = l->in.h * l->in.w;
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t p = 0; p < pos; p++)
            for (uint32_t ch = 0; ch < c; ch++)
                dx[((size_t)s * pos + p) * c + ch] = l->dy[(size_t)s * c + ch] / (float)pos;
}

static float sigmoidf(float z)
{
    return z >= 0.0f ? 1.0f / (1.0f + expf(-z)) : expf(z) / (1.0f + expf(z));
}

/* FitAct (Mousavi et al.): f(x) = max(0, x) * sigmoid(k (bound - x)). */
static void bounded_relu_forward(ftsa_tlayer_t *l, const float *restrict x, uint32_t n)
{
    size_t per = ftsa_shape_elems(l->out);
    for (uint32_t s = 0; s < n; s++)
        for (size_t i = 0; i < per; i++) {
            float xi = x[s * per + i];
            l->y[s * per + i] = xi > 0.0f ? xi * sigmoidf(l->bound_k * (l->bound[i] - xi)) : 0.0f;
        }
}

/* df/dx = s - k x s (1 - s), df/dbound = k x s (1 - s), s the sigmoid, for x > 0. */
static void bounded_relu_backward(const ftsa_tlayer_t *l, const float *restrict x, uint32_t n,
                                  float *restrict dx)
{
    size_t per = ftsa_shape_elems(l->out);
    for (uint32_t s = 0; s < n; s++)
        for (size_t i = 0; i < per; i++) {
            size_t j = s * per + i;
            float xi = x[j], g = 0.0f;
            if (xi > 0.0f) {
                float sg = sigmoidf(l->bound_k * (l->bound[i] - xi));
                float t = l->bound_k * xi * sg * (1.0f - sg);
                g = l->dy[j] * (sg - t);
                l->bound_grad[i] += l->dy[j] * t;
            }
            if (dx)
                dx[j] = g;
        }
}

static void relu_forward(ftsa_tlayer_t *l, const float *restrict x, uint32_t n)
{
    if (l->bound) {
        bounded_relu_forward(l, x, n);
        return;
    }
    size_t m = (size_t)n * ftsa_shape_elems(l->out);
    float *restrict y = l->y;
    for (size_t i = 0; i < m; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

static void relu_backward(const ftsa_tlayer_t *l, const float *restrict x, uint32_t n,
                          float *restrict dx)
{
    size_t m = (size_t)n * ftsa_shape_elems(l->out);
    const float *restrict dy = l->dy;
    for (size_t i = 0; i < m; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

/* QAT: round the output onto its int8 grid; the straight-through estimator
 * passes the gradient where the value was inside the representable range. */
static void act_fake_quant(ftsa_tlayer_t *l, uint32_t n)
{
    size_t m = (size_t)n * ftsa_shape_elems(l->out);
    for (size_t i = 0; i < m; i++) {
        double q = ftsa_fq_act_code(l->y[i], l->q_scale, l->q_zp);
        l->pass[i] = q >= -128.0 && q <= 127.0;
        q = q < -128.0 ? -128.0 : q > 127.0 ? 127.0 : q;
        l->y[i] = l->q_scale * (float)(q - l->q_zp);
    }
}

const float *ftsa_tnet_forward(ftsa_tnet_t *net, const float *x, uint32_t n)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_tlayer_t *l = &net->layers[i];
        const float *in = i ? net->layers[i - 1].y : x;
        switch (l->kind) {
        case FTSA_TL_CONV2D: conv_forward(net, l, in, n); break;
        case FTSA_TL_FC: fc_forward(net, l, in, n); break;
        case FTSA_TL_MAXPOOL: maxpool_forward(l, in, n); break;
        case FTSA_TL_AVGPOOL_GLOBAL: avgpool_forward(l, in, n); break;
        case FTSA_TL_RELU: relu_forward(l, in, n); break;
        case FTSA_TL_FLATTEN:
        default: memcpy(l->y, in, (size_t)n * ftsa_shape_elems(l->in) * sizeof *l->y); break;
        }
        if (net->qat && l->qpoint && l->q_scale > 0.0f)
            act_fake_quant(l, n);
    }
    return net->layers[net->n_layers - 1].y;
}

void ftsa_tnet_backward(ftsa_tnet_t *net, const float *x, uint32_t n, const float *dlogits)
{
    ftsa_tlayer_t *last = &net->layers[net->n_layers - 1];
    memcpy(last->dy, dlogits, (size_t)n * ftsa_shape_elems(last->out) * sizeof *last->dy);
    for (uint32_t i = net->n_layers; i-- > 0;) {
        ftsa_tlayer_t *l = &net->layers[i];
        const float *in = i ? net->layers[i - 1].y : x;
        float *dx = i ? net->layers[i - 1].dy : net->want_input_grad ? net->input_grad : NULL;
        if (net->qat && l->qpoint && l->q_scale > 0.0f) {
            size_t m = (size_t)n * ftsa_shape_elems(l->out);
            for (size_t j = 0; j < m; j++)
                l->dy[j] = l->pass[j] ? l->dy[j] : 0.0f;
        }
        switch (l->kind) {
        case FTSA_TL_CONV2D: conv_backward(net, l, n, dx); break;
        case FTSA_TL_FC: fc_backward(net, l, in, n, dx); break;
        case FTSA_TL_RELU:
            if (l->bound) {
                bounded_relu_backward(l, in, n, dx);
                break;
            }
            /* fall through */
        default:
            if (!dx)
                break;
            switch (l->kind) {
            case FTSA_TL_MAXPOOL: maxpool_backward(l, n, dx); break;
            case FTSA_TL_AVGPOOL_GLOBAL: avgpool_backward(l, n, dx); break;
            case FTSA_TL_RELU: relu_backward(l, in, n, dx); break;
            default: memcpy(dx, l->dy, (size_t)n * ftsa_shape_elems(l->in) * sizeof *dx); break;
            }
        }
    }
}

double ftsa_softmax_xent(const float *logits, const uint8_t *labels, uint32_t n, uint32_t classes,
                         float *dlogits, uint32_t *correct)
{
    double loss = 0.0;
    uint32_t hits = 0;
    for (uint32_t s = 0; s < n; s++) {
        const float *z = logits + (size_t)s * classes;
        uint32_t best = 0;
        for (uint32_t c = 1; c < classes; c++)
            if (z[c] > z[best])
                best = c;
        hits += best == labels[s];
        double sum = 0.0;
        for (uint32_t c = 0; c < classes; c++)
            sum += exp((double)z[c] - (double)z[best]);
        double log_sum = log(sum) + z[best];
        loss += log_sum - z[labels[s]];
        if (!dlogits)
            continue;
        for (uint32_t c = 0; c < classes; c++) {
            double p = exp((double)z[c] - log_sum);
            dlogits[(size_t)s * classes + c] = (float)((p - (c == labels[s])) / n);
        }
    }
    if (correct)
        *correct = hits;
    return loss / n;
}
