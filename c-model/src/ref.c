#include "ftsa/ref.h"

#include <stdlib.h>
#include <string.h>

/* Weighted layers run as a small GEMM over blocks of up to ROWS output
 * positions: acc[pos][o] = bias[o] + sum_q x[pos][q] . wq[q][o], where x[pos][q]
 * is the four unsigned input bytes at base[pos] + off[q] (ref.h).  No window
 * is copied: a conv window's rows are read in place from the framed input.
 * Every sum is modulo 2^32, the accumulator's arithmetic, so any order of
 * summation gives the hardware's bits. */
#define ROWS 16u
#define SLACK 4u /* a window row's last group may read 3 bytes past it */

#if !defined(FTSA_REF_GENERIC) && defined(__AVX512F__) && defined(__AVX512VNNI__) && \
    defined(__AVX512BW__) && defined(__AVX512VL__)
#define FTSA_REF_VNNI 1
#include <immintrin.h>

static inline __m512i bcast4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32((int32_t)v);
}

/* Lanes of the block of channels from o: 16, the channels left, or none. */
static inline __mmask16 lanes(uint32_t oc, uint32_t o)
{
    return o >= oc ? 0 : oc - o >= 16 ? 0xffff : (__mmask16)((1u << (oc - o)) - 1u);
}

/* The post-accumulation stages of 16 channels from o, in registers, stored
 * as int8 (lanes of k): requantize (ftsa_requantize: wrapping left shift,
 * gemmlowp high multiply, rounding right shift, clamp, zero point) and the
 * activation (thr: the layer's expanded thresholds at this output row). */
typedef struct {
    const int32_t *mult, *shift;
    ftsa_act_mode_t act;
    int32_t zp;
} post_t;

static inline void post_store(const post_t *pp, uint32_t o, __mmask16 k, __m512i a, int8_t *dst,
                              const int8_t *thr)
{
    __m512i m = _mm512_maskz_loadu_epi32(k, pp->mult + o);
    __m512i sh = _mm512_maskz_loadu_epi32(k, pp->shift + o), zero = _mm512_setzero_si512();
    __m512i ls = _mm512_max_epi32(sh, zero), rs = _mm512_max_epi32(_mm512_sub_epi32(zero, sh), zero);
    __m512i x = _mm512_sllv_epi32(a, ls);
    /* (x * m + 2^30) >> 31 in 64 bits, even and odd lanes apart */
    __m512i nudge = _mm512_set1_epi64(1ll << 30);
    __m512i ev = _mm512_srai_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, m), nudge), 31);
    __m512i od = _mm512_srai_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)), nudge),
        31);
    __m512i hi = _mm512_mask_blend_epi32(0xaaaa, ev, _mm512_slli_epi64(od, 32));
    __m512i imin = _mm512_set1_epi32(INT32_MIN);
    __mmask16 ovf = _mm512_cmpeq_epi32_mask(x, imin) & _mm512_cmpeq_epi32_mask(m, imin);
    hi = _mm512_mask_mov_epi32(hi, ovf, _mm512_set1_epi32(INT32_MAX));
    /* rounding divide by 2^rs */
    __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(_mm512_set1_epi32(1), rs), _mm512_set1_epi32(1));
    __m512i rem = _mm512_and_si512(hi, mask);
    __m512i thr_r = _mm512_add_epi32(_mm512_srli_epi32(mask, 1), _mm512_srli_epi32(hi, 31));
    __m512i v = _mm512_srav_epi32(hi, rs);
    v = _mm512_mask_add_epi32(v, _mm512_cmpgt_epi32_mask(rem, thr_r), v, _mm512_set1_epi32(1));
    v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(-256)), _mm512_set1_epi32(255));
    __m512i zp = _mm512_set1_epi32(pp->zp);
    v = _mm512_add_epi32(v, zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(-128)), _mm512_set1_epi32(127));
    if (pp->act == FTSA_ACT_RELU) {
        v = _mm512_max_epi32(v, zp);
    } else if (pp->act == FTSA_ACT_CLIP || pp->act == FTSA_ACT_SAT) {
        __m512i t = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, thr + o));
        __mmask16 below = _mm512_cmplt_epi32_mask(v, zp), above = _mm512_cmpgt_epi32_mask(v, t);
        if (pp->act == FTSA_ACT_CLIP)
            v = _mm512_mask_mov_epi32(v, below | above, zp);
        else
            v = _mm512_mask_mov_epi32(_mm512_mask_mov_epi32(v, above, t), below, zp);
    }
    _mm512_mask_cvtepi32_storeu_epi8(dst + o, k, v);
}

/* rows output positions, out their first (HWC, rows of oc); thr0 the
 * thresholds of that first row (NULL without).  With fewer than 16
 * channels (conv1-like layers) the accumulators of the four-row blocks go
 * through acc and are requantized as one flat run of whole vectors (the
 * multipliers are tiled per row), not a vector a row with idle lanes. */
static void gemm(const ftsa_ref_layer_t *g, const uint8_t *const *base, uint32_t rows,
                 const post_t *pp, int8_t *out, const int8_t *thr0, int32_t *acc)
{
    uint32_t kq = g->kq, oc = g->oc;
    const uint32_t *off = g->off;
    size_t ws = 4 * (size_t)oc;
    uint32_t r = 0;
    int flat = oc < 16;
    /* four rows share each weight load; four chains hide the latency */
    for (; r + 4 <= rows; r += 4)
        for (uint32_t o = 0; o < oc; o += 16) {
            __mmask16 k = lanes(oc, o);
            const int8_t *w = g->wq + 4 * (size_t)o;
            const uint8_t *x0 = base[r], *x1 = base[r + 1], *x2 = base[r + 2], *x3 = base[r + 3];
            __m512i a0 = _mm512_maskz_loadu_epi32(k, g->bias + o), a1 = a0, a2 = a0, a3 = a0;
            for (uint32_t q = 0; q < kq; q++, w += ws) {
                __m512i wv = _mm512_maskz_loadu_epi32(k, w);
                a0 = _mm512_dpbusd_epi32(a0, bcast4(x0 + off[q]), wv);
                a1 = _mm512_dpbusd_epi32(a1, bcast4(x1 + off[q]), wv);
                a2 = _mm512_dpbusd_epi32(a2, bcast4(x2 + off[q]), wv);
                a3 = _mm512_dpbusd_epi32(a3, bcast4(x3 + off[q]), wv);
            }
            if (flat) {
                int32_t *d = acc + (size_t)r * oc;
                _mm512_mask_storeu_epi32(d, k, a0);
                _mm512_mask_storeu_epi32(d + oc, k, a1);
                _mm512_mask_storeu_epi32(d + 2 * oc, k, a2);
                _mm512_mask_storeu_epi32(d + 3 * oc, k, a3);
                continue;
            }
            int8_t *d = out + (size_t)r * oc;
            const int8_t *t = thr0 ? thr0 + (size_t)r * oc : NULL;
            post_store(pp, o, k, a0, d, t);
            post_store(pp, o, k, a1, d + oc, t ? t + oc : NULL);
            post_store(pp, o, k, a2, d + 2 * oc, t ? t + 2 * oc : NULL);
            post_store(pp, o, k, a3, d + 3 * oc, t ? t + 3 * oc : NULL);
        }
    for (uint32_t i = 0, n = flat ? r * oc : 0; i < n; i += 16)
        post_store(pp, i, lanes(n, i), _mm512_maskz_loadu_epi32(lanes(n, i), acc + i), out, thr0);
    /* single rows (fully connected layers): four chains over channel blocks,
     * lanes past the last channel masked off */
    for (; r < rows; r++) {
        const uint8_t *x = base[r];
        int8_t *d = out + (size_t)r * oc;
        const int8_t *t = thr0 ? thr0 + (size_t)r * oc : NULL;
        for (uint32_t o = 0; o < oc; o += 64) {
            __mmask16 k0 = lanes(oc, o), k1 = lanes(oc, o + 16), k2 = lanes(oc, o + 32),
                      k3 = lanes(oc, o + 48);
            const int8_t *w = g->wq + 4 * (size_t)o;
            __m512i a0 = _mm512_maskz_loadu_epi32(k0, g->bias + o);
            __m512i a1 = _mm512_maskz_loadu_epi32(k1, g->bias + o + 16);
            __m512i a2 = _mm512_maskz_loadu_epi32(k2, g->bias + o + 32);
            __m512i a3 = _mm512_maskz_loadu_epi32(k3, g->bias + o + 48);
            for (uint32_t q = 0; q < kq; q++, w += ws) {
                __m512i xv = bcast4(x + off[q]);
                a0 = _mm512_dpbusd_epi32(a0, xv, _mm512_maskz_loadu_epi32(k0, w));
                a1 = _mm512_dpbusd_epi32(a1, xv, _mm512_maskz_loadu_epi32(k1, w + 64));
                a2 = _mm512_dpbusd_epi32(a2, xv, _mm512_maskz_loadu_epi32(k2, w + 128));
                a3 = _mm512_dpbusd_epi32(a3, xv, _mm512_maskz_loadu_epi32(k3, w + 192));
            }
            post_store(pp, o, k0, a0, d, t);
            post_store(pp, o + 16, k1, a1, d, t);
            post_store(pp, o + 32, k2, a2, d, t);
            post_store(pp, o + 48, k3, a3, d, t);
        }
    }
}
#else
static void gemm(const ftsa_ref_layer_t *g, const uint8_t *const *base, uint32_t rows, int32_t *acc)
{
    uint32_t kq = g->kq, oc = g->oc;
    size_t ws = 4 * (size_t)oc;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t o = 0; o < oc; o++) {
            uint32_t a = (uint32_t)g->bias[o];
            const int8_t *w = g->wq + 4 * (size_t)o;
            for (uint32_t q = 0; q < kq; q++, w += ws) {
                const uint8_t *x = base[r] + g->off[q];
                /* four products: |sum| < 2^17 */
                a += (uint32_t)(x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3]);
            }
            acc[(size_t)r * oc + o] = (int32_t)a;
        }
}
#endif

#ifndef FTSA_REF_VNNI
/* Requantize a block of accumulator rows into the HWC output: one flat loop
 * (the parameters are tiled per row), so it vectorizes whole. */
static void post_rows(const ftsa_layer_t *l, const ftsa_ref_layer_t *g, const int32_t *acc,
                      uint32_t rows, int8_t *restrict out)
{
    uint32_t n = rows * g->oc;
    int32_t zp = l->out_zp;
    const int32_t *restrict a = acc, *restrict mult = g->mult, *restrict shift = g->shift;
    for (uint32_t i = 0; i < n; i++)
        out[i] = ftsa_requantize(a[i], mult[i], shift[i], zp);
}
#endif

#ifndef FTSA_REF_VNNI
/* Activation/clip over n output elements; thr holds their thresholds
 * (expanded from the layer's source), NULL for modes without one. */
static void activate(const ftsa_layer_t *l, const int8_t *thr, int8_t *out, uint32_t n)
{
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
#endif

/* A block of rows output positions of a weighted layer, from the first
 * output element idx0 on: accumulate, requantize, activate.  The VNNI kernel
 * does all three in registers; the portable one in three passes. */
static void weighted_block(const ftsa_layer_t *l, const ftsa_ref_layer_t *g,
                           const uint8_t *const *base, uint32_t rows, int32_t *acc, int8_t *out,
                           size_t idx0)
{
    const int8_t *thr = g->thr ? g->thr + idx0 : NULL;
#ifdef FTSA_REF_VNNI
    post_t pp = {g->mult, g->shift, l->act, l->out_zp};
    gemm(g, base, rows, &pp, out, thr, acc);
#else
    gemm(g, base, rows, acc);
    post_rows(l, g, acc, rows, out);
    activate(l, thr, out, rows * g->oc);
#endif
}

/* The input as unsigned bytes (x + 128), framed by p zero-point pixels. */
static void frame_input(const ftsa_layer_t *l, uint32_t p, const int8_t *in, uint8_t *framed)
{
    uint32_t c = l->in.c, wp = l->in.w + 2 * p, hp = l->in.h + 2 * p;
    size_t row = (size_t)l->in.w * c;
    if (p)
        memset(framed, (uint8_t)l->in_zp ^ 0x80u, (size_t)hp * wp * c);
    for (uint32_t y = 0; y < l->in.h; y++) {
        uint8_t *d = framed + ((size_t)(y + p) * wp + p) * c;
        const int8_t *s = in + (size_t)y * row;
        for (size_t i = 0; i < row; i++)
            d[i] = (uint8_t)s[i] ^ 0x80u;
    }
}

static void conv2d(ftsa_ref_t *ref, const ftsa_layer_t *l, const ftsa_ref_layer_t *g,
                   const int8_t *in, int8_t *out)
{
    size_t line = (size_t)(l->in.w + 2 * l->pad) * l->in.c, step = (size_t)l->stride * l->in.c;
    uint32_t npos = l->out.h * l->out.w, oy = 0, ox = 0;
    const uint8_t *base[ROWS];
    frame_input(l, l->pad, in, ref->scratch);
    for (uint32_t p0 = 0; p0 < npos; p0 += ROWS) {
        uint32_t rows = npos - p0 < ROWS ? npos - p0 : ROWS;
        for (uint32_t r = 0; r < rows; r++) {
            base[r] = ref->scratch + (size_t)oy * l->stride * line + ox * step;
            if (++ox == l->out.w)
                ox = 0, oy++;
        }
        size_t idx0 = (size_t)p0 * l->out.c;
        weighted_block(l, g, base, rows, ref->acc, out + idx0, idx0);
    }
}

static void fc(ftsa_ref_t *ref, const ftsa_layer_t *l, const ftsa_ref_layer_t *g, const int8_t *in,
               int8_t *out)
{
    const uint8_t *base[1] = {ref->scratch};
    frame_input(l, 0, in, ref->scratch); /* a fully connected layer has no padding */
    weighted_block(l, g, base, 1, ref->acc, out, 0);
}

/* Max over the window's rows first (long contiguous runs), then across it.
 * With AVX-512 and at most 64 channels, each output pixel is the max of
 * kh * kw masked loads of its c channels. */
static void maxpool(const ftsa_layer_t *l, const int8_t *in, int8_t *vmax, int8_t *out)
{
    uint32_t c = l->in.c;
    size_t line = (size_t)l->in.w * c;
#ifdef FTSA_REF_VNNI
    if (c <= 64) {
        __mmask64 k = c == 64 ? ~(__mmask64)0 : (((__mmask64)1 << c) - 1);
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++) {
                const int8_t *s = in + (size_t)oy * l->stride * line + (size_t)ox * l->stride * c;
                __m512i m = _mm512_maskz_loadu_epi8(k, s);
                for (uint32_t ky = 0; ky < l->kh; ky++)
                    for (uint32_t kx = 0; kx < l->kw; kx++)
                        m = _mm512_max_epi8(m, _mm512_maskz_loadu_epi8(k, s + ky * line + kx * c));
                _mm512_mask_storeu_epi8(out + ((size_t)oy * l->out.w + ox) * c, k, m);
            }
        return;
    }
#endif
    for (uint32_t oy = 0; oy < l->out.h; oy++) {
        const int8_t *top = in + (size_t)oy * l->stride * line;
        memcpy(vmax, top, line);
        for (uint32_t ky = 1; ky < l->kh; ky++)
            for (size_t i = 0; i < line; i++)
                vmax[i] = top[ky * line + i] > vmax[i] ? top[ky * line + i] : vmax[i];
        for (uint32_t ox = 0; ox < l->out.w; ox++) {
            int8_t *d = out + ((size_t)oy * l->out.w + ox) * c;
            const int8_t *s = vmax + (size_t)ox * l->stride * c;
            for (uint32_t ch = 0; ch < c; ch++) {
                int8_t m = s[ch];
                for (uint32_t kx = 1; kx < l->kw; kx++)
                    m = s[kx * c + ch] > m ? s[kx * c + ch] : m;
                d[ch] = m;
            }
        }
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
    const ftsa_ref_layer_t *g = &ref->layer[i];
    switch (l->kind) {
    case FTSA_LAYER_CONV2D: conv2d(ref, l, g, in, out); break;
    case FTSA_LAYER_FC: fc(ref, l, g, in, out); break;
    case FTSA_LAYER_MAXPOOL: maxpool(l, in, (int8_t *)ref->scratch, out); break;
    case FTSA_LAYER_AVGPOOL_GLOBAL: avgpool_global(l, in, out); break;
    case FTSA_LAYER_FLATTEN:
    default: memcpy(out, in, ftsa_shape_elems(l->in)); break;
    }
}

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* Output positions per kernel block. */
static uint32_t layer_rows(const ftsa_layer_t *l)
{
    return l->kind == FTSA_LAYER_CONV2D ? ROWS : 1;
}

/* Pack layer l's weights, bias and requantization for the kernel.  A conv
 * window is kh rows of kw*c contiguous input bytes; each row is padded to
 * whole groups of four with zero weights, so groups never straddle rows.  A
 * fully connected layer is one row of fan-in bytes. */
static int prepare_layer(const ftsa_layer_t *l, ftsa_ref_layer_t *g)
{
    uint32_t rows = layer_rows(l), oc_n = l->out.c, fan_in = ftsa_layer_fan_in(l);
    int conv = l->kind == FTSA_LAYER_CONV2D;
    uint32_t kh = conv ? l->kh : 1, seg = conv ? l->kw * l->in.c : fan_in;
    uint32_t segq = (seg + 3) / 4;
    size_t line = conv ? (size_t)(l->in.w + 2 * l->pad) * l->in.c : 0;
    g->kq = kh * segq;
    g->oc = oc_n;
    g->wq = calloc((size_t)g->kq * g->oc * 4, 1);
    g->off = malloc((size_t)g->kq * sizeof *g->off);
    g->bias = calloc(g->oc, sizeof *g->bias);
    g->mult = calloc((size_t)rows * g->oc, sizeof *g->mult);
    g->shift = calloc((size_t)rows * g->oc, sizeof *g->shift);
    if (!g->wq || !g->off || !g->bias || !g->mult || !g->shift)
        return 0;
    for (uint32_t ky = 0; ky < kh; ky++)
        for (uint32_t j = 0; j < segq; j++)
            g->off[ky * segq + j] = (uint32_t)(ky * line + 4 * j);
    for (uint32_t o = 0; o < oc_n; o++) {
        const int8_t *w = l->weights + (size_t)o * fan_in;
        /* the kernel sees x + 128: fold that offset in with the zero point's */
        g->bias[o] = ftsa_fold_bias(l->bias[o], l->in_zp + 128, w, fan_in);
        for (uint32_t r = 0; r < rows; r++) {
            g->mult[(size_t)r * g->oc + o] = l->multiplier[o];
            g->shift[(size_t)r * g->oc + o] = l->shift[o];
        }
        for (uint32_t k = 0; k < fan_in; k++) {
            uint32_t q = k / seg * segq + k % seg / 4;
            g->wq[((size_t)q * g->oc + o) * 4 + k % seg % 4] = w[k];
        }
    }
#ifdef FTSA_REF_VNNI
    if (!conv) { /* channel by channel (ftsa_ref_run_channels): each channel's groups in a row */
        size_t nb = 4 * (size_t)g->kq;
        if (!(g->wt = malloc(nb * oc_n)))
            return 0;
        for (uint32_t o = 0; o < oc_n; o++)
            for (uint32_t q = 0; q < g->kq; q++)
                memcpy(g->wt + o * nb + 4 * (size_t)q, g->wq + ((size_t)q * oc_n + o) * 4, 4);
    }
#endif
    uint32_t n_out = ftsa_shape_elems(l->out);
    if (ftsa_act_needs_thr(l->act)) {
        if (!(g->thr = malloc(n_out)))
            return 0;
        for (uint32_t idx = 0; idx < n_out; idx++)
            g->thr[idx] = ftsa_layer_thr_at(l, idx, idx % oc_n);
    }
    return 1;
}

/* The buffers one run writes: every layer's output, a block of
 * accumulators and the scratch (framed input or a pooling row). */
static int alloc_buffers(ftsa_ref_t *ref)
{
    const ftsa_net_t *net = ref->net;
    size_t acc = 1, scratch = 1;
    if (!(ref->out = calloc(net->n_layers, sizeof *ref->out)))
        return 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        if (!(ref->out[i] = malloc(ftsa_shape_elems(l->out))))
            return 0;
        if (l->kind == FTSA_LAYER_MAXPOOL)
            scratch = max_sz(scratch, (size_t)l->in.w * l->in.c);
        if (!ftsa_layer_has_weights(l))
            continue;
        acc = max_sz(acc, (size_t)layer_rows(l) * l->out.c);
        if (l->kind == FTSA_LAYER_CONV2D)
            scratch = max_sz(scratch, (size_t)(l->in.h + 2 * l->pad) * (l->in.w + 2 * l->pad) * l->in.c);
        else
            scratch = max_sz(scratch, ftsa_layer_fan_in(l));
    }
    ref->acc = malloc(acc * sizeof *ref->acc);
    ref->scratch = calloc(scratch + SLACK, 1);
    return ref->acc && ref->scratch;
}

ftsa_status_t ftsa_ref_init(ftsa_ref_t *ref, const ftsa_net_t *net, ftsa_err_t *err)
{
    memset(ref, 0, sizeof *ref);
    ftsa_status_t st = ftsa_net_validate(net, err);
    if (st)
        return st;
    ref->net = net;
    ref->layer = calloc(net->n_layers, sizeof *ref->layer);
    ref->act_masks = calloc(net->n_layers, sizeof *ref->act_masks);
    ref->n_act_masks = calloc(net->n_layers, sizeof *ref->n_act_masks);
    if (!ref->layer || !ref->act_masks || !ref->n_act_masks || !alloc_buffers(ref))
        goto nomem;
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (ftsa_layer_has_weights(&net->layers[i]) && !prepare_layer(&net->layers[i], &ref->layer[i]))
            goto nomem;
    return FTSA_OK;
nomem:
    ftsa_ref_free(ref);
    return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the reference model workspace");
}

ftsa_status_t ftsa_ref_init_worker(ftsa_ref_t *ref, const ftsa_ref_t *src, ftsa_err_t *err)
{
    memset(ref, 0, sizeof *ref);
    ref->net = src->net;
    ref->borrowed = 1;
    ref->layer = src->layer;
    ref->act_masks = src->act_masks;
    ref->n_act_masks = src->n_act_masks;
    if (alloc_buffers(ref))
        return FTSA_OK;
    ftsa_ref_free(ref);
    return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a reference model worker");
}

void ftsa_ref_free(ftsa_ref_t *ref)
{
    for (uint32_t i = 0; ref->net && ref->out && i < ref->net->n_layers; i++)
        free(ref->out[i]);
    for (uint32_t i = 0; ref->net && !ref->borrowed && i < ref->net->n_layers; i++) {
        if (ref->layer) {
            ftsa_ref_layer_t *g = &ref->layer[i];
            free(g->wq);
            free(g->off);
            free(g->bias);
            free(g->mult);
            free(g->shift);
            free(g->thr);
            free(g->wt);
        }
        if (ref->act_masks)
            free(ref->act_masks[i]);
    }
    if (!ref->borrowed) {
        free(ref->layer);
        free(ref->act_masks);
        free(ref->n_act_masks);
    }
    free(ref->out);
    free(ref->acc);
    free(ref->scratch);
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

static void apply_masks(ftsa_ref_t *ref, uint32_t i);

void ftsa_ref_run_from(ftsa_ref_t *ref, uint32_t first, const int8_t *in)
{
    for (uint32_t i = first; i < ref->net->n_layers; i++) {
        int8_t *out = ref->out[i];
        run_layer(ref, i, in, out);
        apply_masks(ref, i);
        in = out;
    }
}

/* The stored-output faults of layer i. */
static void apply_masks(ftsa_ref_t *ref, uint32_t i)
{
    int8_t *out = ref->out[i];
    const ftsa_act_mask_t *m = ref->act_masks[i];
    for (uint32_t k = 0; k < ref->n_act_masks[i]; k++) {
        uint8_t v = (uint8_t)out[m[k].index];
        out[m[k].index] = (int8_t)(uint8_t)(((v & m[k].and_mask) | m[k].or_mask) ^ m[k].xor_mask);
    }
}

void ftsa_ref_run_channels(ftsa_ref_t *ref, uint32_t i, const int8_t *in, const uint32_t *ch,
                           uint32_t n)
{
    const ftsa_layer_t *l = &ref->net->layers[i];
    const ftsa_ref_layer_t *g = &ref->layer[i];
    int conv = l->kind == FTSA_LAYER_CONV2D;
    size_t line = conv ? (size_t)(l->in.w + 2 * l->pad) * l->in.c : 0;
    size_t step = conv ? (size_t)l->stride * l->in.c : 0;
    uint32_t ow = conv ? l->out.w : 1, npos = conv ? l->out.h * l->out.w : 1, oc = g->oc;
    int8_t zp = (int8_t)l->out_zp, *out = ref->out[i];
    frame_input(l, conv ? l->pad : 0, in, ref->scratch);
    for (uint32_t pos = 0; pos < npos; pos++) {
        const uint8_t *base = ref->scratch + (size_t)(pos / ow) * l->stride * line + (pos % ow) * step;
        for (uint32_t c = 0; c < n; c++) {
            uint32_t o = ch[c], a = (uint32_t)g->bias[o];
#ifdef FTSA_REF_VNNI
            if (g->wt) { /* fully connected: the groups are contiguous, one dot product */
                size_t nb = 4 * (size_t)g->kq;
                const int8_t *w = g->wt + o * nb;
                __m512i sum = _mm512_setzero_si512();
                for (size_t j = 0; j < nb; j += 64) {
                    __mmask64 k = nb - j >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (nb - j)) - 1);
                    sum = _mm512_dpbusd_epi32(sum, _mm512_maskz_loadu_epi8(k, base + j),
                                              _mm512_maskz_loadu_epi8(k, w + j));
                }
                a += (uint32_t)_mm512_reduce_add_epi32(sum);
            } else
#endif
            {
                const int8_t *w = g->wq + 4 * (size_t)o;
                for (uint32_t q = 0; q < g->kq; q++, w += 4 * (size_t)oc) {
                    const uint8_t *x = base + g->off[q];
                    a += (uint32_t)(x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3]);
                }
            }
            size_t idx = (size_t)pos * oc + o;
            int8_t v = ftsa_requantize((int32_t)a, g->mult[o], g->shift[o], l->out_zp);
            out[idx] = ftsa_activate(v, l->act, zp, g->thr ? g->thr[idx] : 0);
        }
    }
    apply_masks(ref, i);
}

void ftsa_ref_run(ftsa_ref_t *ref, const int8_t *input)
{
    ftsa_ref_run_from(ref, 0, input);
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
