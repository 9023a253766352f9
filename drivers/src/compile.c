/* Network -> command stream for the systolic-array accelerator (compile.h). */
#include "ftsa/compile.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/quant.h"

/* ------------------------------------------------------------ command buffer */

void ftsa_cmd_init(ftsa_cmdbuf_t *cb)
{
    memset(cb, 0, sizeof *cb);
}

void ftsa_cmd_free(ftsa_cmdbuf_t *cb)
{
    free(cb->words);
    memset(cb, 0, sizeof *cb);
}

void ftsa_cmd_emit(ftsa_cmdbuf_t *cb, uint32_t op, uint32_t arg_a, uint32_t arg_b)
{
    if (cb->oom)
        return;
    if (cb->n + 2 > cb->cap) {
        size_t cap = cb->cap ? 2 * cb->cap : 256;
        uint32_t *w = realloc(cb->words, cap * sizeof *w);
        if (!w) {
            cb->oom = 1;
            return;
        }
        cb->words = w;
        cb->cap = cap;
    }
    cb->words[cb->n++] = (op & 0xffu) | (arg_a << 8);
    cb->words[cb->n++] = arg_b;
}

void ftsa_cmd_set(ftsa_cmdbuf_t *cb, uint32_t reg, uint32_t value)
{
    ftsa_cmd_emit(cb, FTSA_HW_OP_SET, reg << FTSA_HW_FLD_REGIDX, value);
}

void ftsa_cmd_dma(ftsa_cmdbuf_t *cb, int store, uint32_t mem, uint32_t sram, uint32_t words,
                  uint32_t host)
{
    ftsa_cmd_set(cb, FTSA_HW_REG_DMA_SRAM, sram);
    ftsa_cmd_emit(cb, store ? FTSA_HW_OP_DMA_STORE : FTSA_HW_OP_DMA_LOAD,
                  mem << FTSA_HW_FLD_MEM | words << FTSA_HW_FLD_COUNT, host);
}

void ftsa_cmd_pass(ftsa_cmdbuf_t *cb, uint32_t ky, uint32_t kx, uint32_t ctile, int first,
                   int last, uint32_t wgt_addr, uint32_t octile)
{
    uint32_t a = ky << FTSA_HW_FLD_KY | kx << FTSA_HW_FLD_KX | (uint32_t)!!first << FTSA_HW_FLD_FIRST |
                 (uint32_t)!!last << FTSA_HW_FLD_LAST | ctile << FTSA_HW_FLD_CTILE;
    ftsa_cmd_emit(cb, FTSA_HW_OP_PASS, a, wgt_addr | octile << 16);
}

/* ------------------------------------------------------------ host image */

typedef struct {
    uint8_t *bytes;
    size_t n, cap;
} image_t;

/* Reserve bytes (zeroed, 16-byte aligned); returns the address or UINT32_MAX. */
static uint32_t image_alloc(image_t *im, size_t bytes)
{
    size_t at = (im->n + 15u) & ~(size_t)15u;
    size_t end = at + bytes;
    if (end > UINT32_MAX / 2)
        return UINT32_MAX;
    if (end > im->cap) {
        size_t cap = im->cap ? im->cap : 65536;
        while (cap < end)
            cap *= 2;
        uint8_t *b = realloc(im->bytes, cap);
        if (!b)
            return UINT32_MAX;
        memset(b + im->cap, 0, cap - im->cap);
        im->bytes = b;
        im->cap = cap;
    }
    im->n = end;
    return (uint32_t)at;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ------------------------------------------------------------ layer plans */

/* A weighted layer seen as a convolution over the physical input tensor (an
 * FC layer is a convolution whose kernel covers its whole input). */
typedef struct {
    int fc;                   /* fully connected: input tile kt is input word kt */
    uint32_t pack, cp, taps, groups; /* tap packing (pack = log2(cp) + 1; 0 off) */
    uint32_t kh, kw, stride, pad, out_h, out_w;
    uint32_t kt, ot;          /* input tiles (taps x channel words), output channel tiles */
    uint32_t wgt_words, par_words, thr_words;
    uint32_t wgt_host, par_host, thr_host;
    uint32_t wgt_base, par_base, thr_base; /* SRAM words when resident */
} wplan_t;

typedef struct {
    const ftsa_net_t *net;
    ftsa_hw_cfg_t hw;
    image_t im;
    ftsa_cmdbuf_t setup, infer;
    wplan_t *plans;
    ftsa_tensor_map_t *maps;
    ftsa_tensor_map_t input;
    int par_resident, thr_resident;
    ftsa_err_t *err;
} cc_t;

static uint32_t ceil_div(uint32_t a, uint32_t b)
{
    return (a + b - 1) / b;
}

static ftsa_tensor_map_t tensor_map(ftsa_shape_t s, uint32_t n, uint32_t buf)
{
    ftsa_tensor_map_t m = {.h = s.h, .w = s.w, .c = s.c, .ct = ceil_div(s.c, n), .buf = buf,
                           .on_hw = 1};
    return m;
}

static uint32_t map_words(const ftsa_tensor_map_t *m)
{
    return m->h * m->w * m->ct;
}

static int same_shape(const ftsa_tensor_map_t *m, ftsa_shape_t s)
{
    return m->h == s.h && m->w == s.w && m->c == s.c;
}

/* Tap packing: with few input channels (C <= N/2, one word per pixel) and
 * stride 1, each pass puts `taps` horizontally adjacent kernel taps on the
 * array rows, cp rows per tap.  Used when it saves cycles: each output row
 * then costs taps - 1 priming reads. */
static void choose_packing(wplan_t *p, const ftsa_tensor_map_t *in, uint32_t n)
{
    if (p->fc || p->stride != 1 || in->ct != 1 || p->kw < 2 || 2 * in->c > n)
        return;
    uint32_t cp = 1, pack = 1;
    while (cp < in->c)
        cp *= 2, pack++;
    uint32_t taps = n / cp < p->kw ? n / cp : p->kw;
    uint32_t groups = ceil_div(p->kw, taps);
    uint64_t plain = (uint64_t)p->kh * p->kw * p->out_w;
    uint64_t packed = (uint64_t)p->kh * groups * (p->out_w + taps - 1);
    if (packed >= plain)
        return;
    p->pack = pack, p->cp = cp, p->taps = taps, p->groups = groups;
    p->kt = p->kh * groups;
}

static ftsa_status_t plan_weighted(cc_t *cc, uint32_t li, const ftsa_tensor_map_t *in)
{
    const ftsa_layer_t *l = &cc->net->layers[li];
    uint32_t n = cc->hw.array_n;
    wplan_t *p = &cc->plans[li];
    if (l->kind == FTSA_LAYER_FC) {
        p->fc = 1;
        p->kh = in->h, p->kw = in->w, p->stride = 1, p->pad = 0, p->out_h = 1, p->out_w = 1;
    } else {
        if (!same_shape(in, l->in))
            return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                             "layer %u: convolution after a flatten is not supported", li);
        p->kh = l->kh, p->kw = l->kw, p->stride = l->stride, p->pad = l->pad;
        p->out_h = l->out.h, p->out_w = l->out.w;
    }
    if (p->fc && p->kh * p->kw * in->ct >= 1u << 14)
        return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                         "layer %u: %u input words exceed the PASS command's tile field", li,
                         p->kh * p->kw * in->ct);
    if (p->out_w > cc->hw.acc_depth)
        return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                         "layer %u: output row of %u positions exceeds the accumulator (%u words)",
                         li, p->out_w, cc->hw.acc_depth);
    p->kt = p->kh * p->kw * in->ct;
    choose_packing(p, in, n);
    p->ot = ceil_div(l->out.c, n);
    p->wgt_words = p->kt * p->ot * n;
    p->par_words = p->ot * n;
    p->thr_words = !ftsa_act_needs_thr(l->act) ? 0
                   : l->thr_src == FTSA_THR_CHANNEL ? p->ot
                   : l->thr_src == FTSA_THR_NEURON ? p->out_h * p->out_w * p->ot
                                                   : 0;
    if (p->par_words > cc->hw.par_depth || p->thr_words > cc->hw.thr_depth)
        return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                         "layer %u: parameters (%u words) or thresholds (%u words) exceed their "
                         "SRAMs (%u, %u)",
                         li, p->par_words, p->thr_words, cc->hw.par_depth, cc->hw.thr_depth);
    return FTSA_OK;
}

/* Weight word of pass (ot, kt), row r (input channel), column c (output channel). */
static int8_t weight_at(const ftsa_layer_t *l, const wplan_t *p, const ftsa_tensor_map_t *in,
                        uint32_t n, uint32_t ot, uint32_t kt, uint32_t r, uint32_t c)
{
    uint32_t ct = kt % in->ct, tap = kt / in->ct;
    uint32_t ky = tap / p->kw, kx = tap % p->kw;
    uint32_t ic = ct * n + r, oc = ot * n + c;
    if (p->pack) { /* row r: lane r % cp of tap r / cp of the group */
        uint32_t g = r / p->cp;
        ky = kt / p->groups, kx = (kt % p->groups) * p->taps + g, ic = r % p->cp;
        if (g >= p->taps || kx >= p->kw)
            return 0;
    }
    if (ic >= in->c || oc >= l->out.c)
        return 0;
    return l->weights[(((size_t)oc * p->kh + ky) * p->kw + kx) * in->c + ic];
}

static ftsa_status_t fill_weighted(cc_t *cc, uint32_t li, const ftsa_tensor_map_t *in)
{
    const ftsa_layer_t *l = &cc->net->layers[li];
    wplan_t *p = &cc->plans[li];
    uint32_t n = cc->hw.array_n;
    p->wgt_host = image_alloc(&cc->im, (size_t)p->wgt_words * n);
    p->par_host = image_alloc(&cc->im, (size_t)p->par_words * 12);
    p->thr_host = image_alloc(&cc->im, (size_t)p->thr_words * n);
    if (p->wgt_host == UINT32_MAX || p->par_host == UINT32_MAX || p->thr_host == UINT32_MAX)
        return ftsa_fail(cc->err, FTSA_E_NOMEM, "out of memory for the host image");
    uint8_t *w = cc->im.bytes + p->wgt_host;
    for (uint32_t ot = 0; ot < p->ot; ot++)
        for (uint32_t kt = 0; kt < p->kt; kt++)
            for (uint32_t r = 0; r < n; r++)
                for (uint32_t c = 0; c < n; c++)
                    *w++ = (uint8_t)weight_at(l, p, in, n, ot, kt, r, c);
    uint32_t fan_in = ftsa_layer_fan_in(l);
    uint8_t *pp = cc->im.bytes + p->par_host;
    for (uint32_t oc = 0; oc < l->out.c; oc++, pp += 12) {
        put_u32(pp, (uint32_t)ftsa_fold_bias(l->bias[oc], l->in_zp,
                                             l->weights + (size_t)oc * fan_in, fan_in));
        put_u32(pp + 4, (uint32_t)l->multiplier[oc]);
        put_u32(pp + 8, (uint32_t)(uint8_t)l->shift[oc]);
    }
    uint8_t *t = cc->im.bytes + p->thr_host;
    uint32_t pixels = p->thr_words / (p->ot ? p->ot : 1);
    if (l->thr_src == FTSA_THR_CHANNEL)
        pixels = 1;
    for (uint32_t pix = 0; p->thr_words && pix < pixels; pix++)
        for (uint32_t ot = 0; ot < p->ot; ot++)
            for (uint32_t c = 0; c < n; c++) {
                uint32_t ch = ot * n + c;
                *t++ = ch < l->out.c
                           ? (uint8_t)ftsa_layer_thr_at(l, pix * l->out.c + ch, ch)
                           : 127;
            }
    return FTSA_OK;
}

/* ------------------------------------------------------------ code generation */

/* Passes of one position tile, with weights streamed through the SRAM when
 * they are not resident.  *loaded is the first pass whose weights are in the
 * SRAM (UINT32_MAX for none). */
static void emit_passes(cc_t *cc, uint32_t li, const ftsa_tensor_map_t *in, uint32_t *loaded)
{
    const wplan_t *p = &cc->plans[li];
    uint32_t n = cc->hw.array_n;
    uint32_t cap = cc->hw.wgt_depth / n; /* passes the weight SRAM holds */
    uint32_t total = p->ot * p->kt;
    ftsa_cmdbuf_t *cb = &cc->infer;
    for (uint32_t ot = 0; ot < p->ot; ot++) {
        ftsa_cmd_emit(cb, FTSA_HW_OP_POSTCFG, ot, 0);
        for (uint32_t kt = 0; kt < p->kt; kt++) {
            uint32_t j = ot * p->kt + kt, addr;
            if (p->wgt_base != UINT32_MAX) {
                addr = p->wgt_base + j * n;
            } else {
                if (*loaded == UINT32_MAX || j < *loaded || j >= *loaded + cap) {
                    uint32_t count = total - j < cap ? total - j : cap;
                    ftsa_cmd_dma(cb, 0, FTSA_HW_MEM_WGT, 0, count * n, p->wgt_host + j * n * n);
                    *loaded = j;
                }
                addr = (j - *loaded) * n;
            }
            /* A fully connected layer reads input word kt directly (1x1 geometry). */
            uint32_t ct = kt % in->ct, tap = kt / in->ct;
            if (p->fc)
                ftsa_cmd_pass(cb, 0, 0, kt, kt == 0, kt + 1 == p->kt, addr, ot);
            else if (p->pack)
                ftsa_cmd_pass(cb, kt / p->groups, (kt % p->groups) * p->taps, 0, kt == 0,
                              kt + 1 == p->kt, addr, ot);
            else
                ftsa_cmd_pass(cb, tap / p->kw, tap % p->kw, ct, kt == 0, kt + 1 == p->kt, addr, ot);
        }
    }
}

static void emit_weighted(cc_t *cc, uint32_t li, const ftsa_tensor_map_t *in,
                          const ftsa_tensor_map_t *out)
{
    const ftsa_layer_t *l = &cc->net->layers[li];
    const wplan_t *p = &cc->plans[li];
    uint32_t n = cc->hw.array_n;
    ftsa_cmdbuf_t *cb = &cc->infer;
    uint32_t par_base = p->par_base, thr_base = p->thr_base;
    if (!cc->par_resident) {
        ftsa_cmd_dma(cb, 0, FTSA_HW_MEM_PAR, 0, p->par_words, p->par_host);
        par_base = 0;
    }
    if (!cc->thr_resident && p->thr_words) {
        ftsa_cmd_dma(cb, 0, FTSA_HW_MEM_THR, 0, p->thr_words, p->thr_host);
        thr_base = 0;
    }
    int thr = ftsa_act_needs_thr(l->act);
    uint32_t regs[][2] = {
        {FTSA_HW_REG_SRC, in->buf},
        {FTSA_HW_REG_IN_H, p->fc ? 1 : in->h},
        {FTSA_HW_REG_IN_W, p->fc ? 1 : in->w},
        {FTSA_HW_REG_IN_CT, p->fc ? 1 : in->ct},
        {FTSA_HW_REG_OUT_W, p->out_w},
        {FTSA_HW_REG_OUT_CT, out->ct},
        {FTSA_HW_REG_STRIDE, p->stride},
        {FTSA_HW_REG_PAD, p->pad},
        {FTSA_HW_REG_IN_ZP, (uint8_t)l->in_zp},
        {FTSA_HW_REG_OUT_ZP, (uint8_t)l->out_zp},
        {FTSA_HW_REG_ACT, (uint32_t)l->act},
        {FTSA_HW_REG_THR_SRC, thr ? (uint32_t)l->thr_src : 0},
        {FTSA_HW_REG_THR_LAYER, (uint8_t)(thr ? ftsa_layer_thr_at(l, 0, 0) : 127)},
        {FTSA_HW_REG_PAR_BASE, par_base},
        {FTSA_HW_REG_THR_BASE, thr_base},
        {FTSA_HW_REG_PACK, p->pack},
        {FTSA_HW_REG_PACK_G, p->taps},
    };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        ftsa_cmd_set(cb, regs[i][0], regs[i][1]);
    uint32_t rows = cc->hw.acc_depth / p->out_w;
    if (rows > p->out_h)
        rows = p->out_h;
    uint32_t loaded = UINT32_MAX;
    for (uint32_t row0 = 0; row0 < p->out_h; row0 += rows) {
        ftsa_cmd_set(cb, FTSA_HW_REG_ROW0, row0);
        ftsa_cmd_set(cb, FTSA_HW_REG_ROWS, p->out_h - row0 < rows ? p->out_h - row0 : rows);
        emit_passes(cc, li, in, &loaded);
    }
    (void)n;
}

static void emit_pool(cc_t *cc, const ftsa_layer_t *l, const ftsa_tensor_map_t *in)
{
    ftsa_cmdbuf_t *cb = &cc->infer;
    ftsa_cmd_set(cb, FTSA_HW_REG_SRC, in->buf);
    ftsa_cmd_set(cb, FTSA_HW_REG_IN_W, in->w);
    ftsa_cmd_set(cb, FTSA_HW_REG_IN_CT, in->ct);
    if (l->kind == FTSA_LAYER_MAXPOOL) {
        ftsa_cmd_set(cb, FTSA_HW_REG_OUT_H, l->out.h);
        ftsa_cmd_set(cb, FTSA_HW_REG_OUT_W, l->out.w);
        ftsa_cmd_set(cb, FTSA_HW_REG_STRIDE, l->stride);
        ftsa_cmd_set(cb, FTSA_HW_REG_POOL_KH, l->kh);
        ftsa_cmd_set(cb, FTSA_HW_REG_POOL_KW, l->kw);
        ftsa_cmd_emit(cb, FTSA_HW_OP_MAXPOOL, 0, 0);
    } else {
        ftsa_cmd_set(cb, FTSA_HW_REG_AVG_N, in->h * in->w);
        ftsa_cmd_emit(cb, FTSA_HW_OP_AVGPOOL, 0, 0);
    }
}

/* Decide residency and SRAM bases of weights, parameters and thresholds. */
static void place_resident(cc_t *cc)
{
    const ftsa_net_t *net = cc->net;
    uint64_t w = 0, pa = 0, th = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wplan_t *p = &cc->plans[i];
        w += p->wgt_words, pa += p->par_words, th += p->thr_words;
    }
    int wgt_res = w <= cc->hw.wgt_depth && w <= 65536;
    cc->par_resident = pa <= cc->hw.par_depth && pa <= 65536;
    cc->thr_resident = th <= cc->hw.thr_depth && th <= 65536;
    uint32_t wb = 0, pb = 0, tb = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        wplan_t *p = &cc->plans[i];
        if (!ftsa_layer_has_weights(&net->layers[i]))
            continue;
        p->wgt_base = wgt_res ? wb : UINT32_MAX;
        p->par_base = pb, p->thr_base = tb;
        if (wgt_res)
            ftsa_cmd_dma(&cc->setup, 0, FTSA_HW_MEM_WGT, wb, p->wgt_words, p->wgt_host);
        if (cc->par_resident)
            ftsa_cmd_dma(&cc->setup, 0, FTSA_HW_MEM_PAR, pb, p->par_words, p->par_host);
        if (cc->thr_resident && p->thr_words)
            ftsa_cmd_dma(&cc->setup, 0, FTSA_HW_MEM_THR, tb, p->thr_words, p->thr_host);
        wb += p->wgt_words, pb += p->par_words, tb += p->thr_words;
    }
}

static ftsa_status_t check_fits(cc_t *cc, const ftsa_tensor_map_t *m, const char *what, uint32_t li)
{
    if (map_words(m) > cc->hw.act_depth || m->h > 65535 || m->w > 65535)
        return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                         "%s %u: %ux%ux%u needs %u words, an activation buffer has %u", what, li,
                         m->h, m->w, m->c, map_words(m), cc->hw.act_depth);
    return FTSA_OK;
}

/* Physical output tensors of every layer, and plans of weighted layers. */
static ftsa_status_t plan_all(cc_t *cc)
{
    const ftsa_net_t *net = cc->net;
    uint32_t n = cc->hw.array_n;
    cc->input = tensor_map(net->input, n, 0);
    /* An input read only by a fully connected layer (through flattens) is
     * stored flat: N input values per word instead of C per pixel word. */
    uint32_t first = 0;
    while (first < net->n_layers && net->layers[first].kind == FTSA_LAYER_FLATTEN)
        first++;
    if (first < net->n_layers && net->layers[first].kind == FTSA_LAYER_FC)
        cc->input = tensor_map((ftsa_shape_t){1, 1, ftsa_shape_elems(net->input)}, n, 0);
    ftsa_status_t st = check_fits(cc, &cc->input, "input", 0);
    const ftsa_tensor_map_t *in = &cc->input;
    for (uint32_t i = 0; !st && i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        ftsa_tensor_map_t *out = &cc->maps[i];
        if (l->kind == FTSA_LAYER_FLATTEN) {
            *out = *in;
            out->on_hw = 0;
        } else {
            if (l->kind != FTSA_LAYER_FC && !same_shape(in, l->in))
                return ftsa_fail(cc->err, FTSA_E_UNSUPPORTED,
                                 "layer %u: %s after a flatten is not supported", i,
                                 ftsa_layer_kind_name(l->kind));
            *out = tensor_map(l->out, n, !in->buf);
            if (ftsa_layer_has_weights(l))
                st = plan_weighted(cc, i, in);
        }
        if (!st)
            st = check_fits(cc, out, "layer", i);
        in = out;
    }
    return st;
}

static ftsa_status_t emit_all(cc_t *cc)
{
    const ftsa_net_t *net = cc->net;
    ftsa_cmdbuf_t *cb = &cc->infer;
    const ftsa_tensor_map_t *in = &cc->input;
    cc->input.host = image_alloc(&cc->im, (size_t)map_words(in) * cc->hw.array_n);
    ftsa_cmd_dma(cb, 0, FTSA_HW_MEM_ACT0, 0, map_words(in), cc->input.host);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        ftsa_tensor_map_t *out = &cc->maps[i];
        out->stamp = image_alloc(&cc->im, 8);
        out->host = out->on_hw ? image_alloc(&cc->im, (size_t)map_words(out) * cc->hw.array_n)
                               : in->host;
        if (out->stamp == UINT32_MAX || out->host == UINT32_MAX)
            return ftsa_fail(cc->err, FTSA_E_NOMEM, "out of memory for the host image");
        ftsa_cmd_emit(cb, FTSA_HW_OP_STAMP, 0, out->stamp);
        if (ftsa_layer_has_weights(l))
            emit_weighted(cc, i, in, out);
        else if (out->on_hw)
            emit_pool(cc, l, in);
        ftsa_cmd_emit(cb, FTSA_HW_OP_STAMP, 0, out->stamp + 4);
        if (out->on_hw)
            ftsa_cmd_dma(cb, 1, out->buf ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0, 0, map_words(out),
                         out->host);
        in = out;
    }
    ftsa_cmd_emit(cb, FTSA_HW_OP_END, 0, 0);
    ftsa_cmd_emit(&cc->setup, FTSA_HW_OP_END, 0, 0);
    return FTSA_OK;
}

static uint32_t place_stream(cc_t *cc, const ftsa_cmdbuf_t *cb)
{
    uint32_t at = image_alloc(&cc->im, cb->n * 4);
    if (at != UINT32_MAX)
        for (size_t i = 0; i < cb->n; i++)
            put_u32(cc->im.bytes + at + 4 * i, cb->words[i]);
    return at;
}

ftsa_status_t ftsa_compile(const ftsa_net_t *net, const ftsa_hw_cfg_t *hw, ftsa_program_t *prog,
                           ftsa_err_t *err)
{
    memset(prog, 0, sizeof *prog);
    if (hw->array_n < 4 || hw->array_n % 4 || hw->array_n > 64)
        return ftsa_fail(err, FTSA_E_INVALID, "array side %u: must be a multiple of 4 in 4..64",
                         hw->array_n);
    ftsa_status_t st = ftsa_net_validate(net, err);
    if (st)
        return st;
    cc_t cc = {.net = net, .hw = *hw, .err = err};
    ftsa_cmd_init(&cc.setup);
    ftsa_cmd_init(&cc.infer);
    cc.plans = calloc(net->n_layers ? net->n_layers : 1, sizeof *cc.plans);
    cc.maps = calloc(net->n_layers ? net->n_layers : 1, sizeof *cc.maps);
    if (!cc.plans || !cc.maps) {
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory compiling the network");
        goto out;
    }
    st = plan_all(&cc);
    const ftsa_tensor_map_t *in = &cc.input;
    for (uint32_t i = 0; !st && i < net->n_layers; i++) {
        if (ftsa_layer_has_weights(&net->layers[i]))
            st = fill_weighted(&cc, i, in);
        in = &cc.maps[i];
    }
    if (st)
        goto out;
    place_resident(&cc);
    if ((st = emit_all(&cc)))
        goto out;
    prog->setup_addr = place_stream(&cc, &cc.setup);
    prog->infer_addr = place_stream(&cc, &cc.infer);
    if (cc.setup.oom || cc.infer.oom || prog->setup_addr == UINT32_MAX ||
        prog->infer_addr == UINT32_MAX || cc.input.host == UINT32_MAX) {
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the command streams");
        goto out;
    }
    prog->hw = *hw;
    prog->image = cc.im.bytes;
    prog->image_bytes = cc.im.n;
    prog->input = cc.input;
    prog->n_layers = net->n_layers;
    prog->layers = cc.maps;
    prog->wgt_resident = 1;
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (ftsa_layer_has_weights(&net->layers[i]) && cc.plans[i].wgt_base == UINT32_MAX)
            prog->wgt_resident = 0;
    cc.im.bytes = NULL;
    cc.maps = NULL;
out:
    ftsa_cmd_free(&cc.setup);
    ftsa_cmd_free(&cc.infer);
    free(cc.plans);
    free(cc.maps);
    free(cc.im.bytes);
    return st;
}

void ftsa_program_free(ftsa_program_t *prog)
{
    free(prog->image);
    free(prog->layers);
    memset(prog, 0, sizeof *prog);
}

void ftsa_program_pack_input(const ftsa_program_t *prog, const int8_t *input, uint8_t *host)
{
    const ftsa_tensor_map_t *m = &prog->input;
    uint32_t n = prog->hw.array_n;
    uint8_t *dst = host + m->host;
    memset(dst, 0, (size_t)map_words(m) * n);
    for (uint32_t pix = 0; pix < m->h * m->w; pix++)
        for (uint32_t c = 0; c < m->c; c++)
            dst[((size_t)pix * m->ct + c / n) * n + c % n] = (uint8_t)input[(size_t)pix * m->c + c];
}

void ftsa_program_unpack(const ftsa_program_t *prog, const ftsa_tensor_map_t *m,
                         const uint8_t *host, int8_t *out)
{
    uint32_t n = prog->hw.array_n;
    const uint8_t *src = host + m->host;
    for (uint32_t pix = 0; pix < m->h * m->w; pix++)
        for (uint32_t c = 0; c < m->c; c++)
            out[(size_t)pix * m->c + c] = (int8_t)src[((size_t)pix * m->ct + c / n) * n + c % n];
}
