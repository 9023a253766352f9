#include "ftsa/model_file.h"

#include "ftsa/fileio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HEADER_LEN 20u
#define MAX_PAYLOAD (256u << 20)

/* ---- little-endian writer ------------------------------------------------ */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    int oom;
} writer_t;

static void put(writer_t *w, const void *src, size_t n)
{
    if (w->oom || n == 0)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *grown = realloc(w->buf, cap);
        if (!grown) {
            w->oom = 1;
            return;
        }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, src, n);
    w->len += n;
}

static void put_u8(writer_t *w, uint8_t v) { put(w, &v, 1); }

static void put_u32(writer_t *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}

static void put_f32(writer_t *w, float f)
{
    uint32_t v = 0;
    memcpy(&v, &f, 4);
    put_u32(w, v);
}

static void put_i32s(writer_t *w, const int32_t *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        put_u32(w, (uint32_t)v[i]);
}

static void put_f32s(writer_t *w, const float *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        put_f32(w, v[i]);
}

static void put_shape(writer_t *w, ftsa_shape_t s)
{
    put_u32(w, s.h);
    put_u32(w, s.w);
    put_u32(w, s.c);
}

static void encode_layer(writer_t *w, const ftsa_layer_t *l)
{
    put_u8(w, (uint8_t)l->kind);
    put_u8(w, (uint8_t)l->act);
    put_u8(w, (uint8_t)l->thr_src);
    put_u8(w, 0);
    put_shape(w, l->in);
    put_shape(w, l->out);
    put_u32(w, l->kh);
    put_u32(w, l->kw);
    put_u32(w, l->stride);
    put_u32(w, l->pad);
    put_f32(w, l->in_scale);
    put_f32(w, l->out_scale);
    put_u8(w, (uint8_t)(int8_t)l->in_zp);
    put_u8(w, (uint8_t)(int8_t)l->out_zp);
    if (ftsa_layer_has_weights(l)) {
        uint32_t oc = l->out.c;
        put(w, l->weights, ftsa_layer_weight_count(l));
        put_i32s(w, l->bias, oc);
        put_i32s(w, l->multiplier, oc);
        put(w, l->shift, oc);
        put_f32s(w, l->w_scale, oc);
    }
    put(w, l->thr, ftsa_layer_thr_count(l));
}

ftsa_status_t ftsa_model_encode(const ftsa_net_t *net, uint8_t **buf, size_t *len, ftsa_err_t *err)
{
    ftsa_status_t st = ftsa_net_validate(net, err);
    if (st)
        return st;
    writer_t p = {0};
    size_t name_len = strnlen(net->name, sizeof net->name - 1);
    put_u8(&p, (uint8_t)name_len);
    put(&p, net->name, name_len);
    put_shape(&p, net->input);
    put_f32(&p, net->in_scale);
    put_u8(&p, (uint8_t)(int8_t)net->in_zp);
    put_u32(&p, net->n_layers);
    for (uint32_t i = 0; i < net->n_layers; i++)
        encode_layer(&p, &net->layers[i]);
    put_u32(&p, net->prof_images);
    for (uint32_t i = 0; net->prof_images && i < net->n_layers; i++)
        if (net->layers[i].prof_max)
            put(&p, net->layers[i].prof_max, ftsa_shape_elems(net->layers[i].out));
    if (p.oom || p.len > MAX_PAYLOAD) {
        free(p.buf);
        return ftsa_fail(err, FTSA_E_NOMEM, "model too large to encode");
    }
    uLongf clen = compressBound((uLong)p.len);
    uint8_t *out = malloc(HEADER_LEN + clen);
    if (!out) {
        free(p.buf);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory encoding the model");
    }
    if (compress2(out + HEADER_LEN, &clen, p.buf, (uLong)p.len, Z_BEST_COMPRESSION) != Z_OK) {
        free(p.buf);
        free(out);
        return ftsa_fail(err, FTSA_E_NOMEM, "zlib could not compress the model");
    }
    writer_t h = {0};
    put(&h, FTSA_MODEL_MAGIC, 4);
    uint8_t ver[4] = {(uint8_t)FTSA_MODEL_VERSION, (uint8_t)(FTSA_MODEL_VERSION >> 8), 0, 0};
    put(&h, ver, 4); /* u16 version, u16 flags */
    put_u32(&h, (uint32_t)p.len);
    put_u32(&h, (uint32_t)clen);
    put_u32(&h, (uint32_t)crc32(0L, p.buf, (uInt)p.len));
    free(p.buf);
    if (h.oom) {
        free(out);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory encoding the model");
    }
    memcpy(out, h.buf, HEADER_LEN);
    free(h.buf);
    *buf = out;
    *len = HEADER_LEN + clen;
    return FTSA_OK;
}

/* ---- bounds-checked reader ----------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t len, off;
    const char *what; /* what is being read, for messages */
} reader_t;

static ftsa_status_t take(reader_t *r, void *dst, size_t n, ftsa_err_t *err)
{
    if (n > r->len - r->off)
        return ftsa_fail(err, FTSA_E_FORMAT,
                         "payload ends at byte %zu while reading %s (%zu more bytes needed)",
                         r->len, r->what, n - (r->len - r->off));
    if (dst)
        memcpy(dst, r->p + r->off, n);
    r->off += n;
    return FTSA_OK;
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static ftsa_status_t get_u8(reader_t *r, uint8_t *v, ftsa_err_t *err)
{
    return take(r, v, 1, err);
}

static ftsa_status_t get_u32(reader_t *r, uint32_t *v, ftsa_err_t *err)
{
    uint8_t b[4] = {0};
    ftsa_status_t st = take(r, b, 4, err);
    if (!st)
        *v = le32(b);
    return st;
}

static ftsa_status_t get_f32(reader_t *r, float *f, ftsa_err_t *err)
{
    uint32_t v = 0;
    ftsa_status_t st = get_u32(r, &v, err);
    if (!st)
        memcpy(f, &v, 4);
    return st;
}

static ftsa_status_t get_zp(reader_t *r, int32_t *zp, ftsa_err_t *err)
{
    uint8_t b = 0;
    ftsa_status_t st = get_u8(r, &b, err);
    if (!st)
        *zp = (int8_t)b;
    return st;
}

static ftsa_status_t get_shape(reader_t *r, ftsa_shape_t *s, const char *what, ftsa_err_t *err)
{
    ftsa_status_t st;
    r->what = what;
    if ((st = get_u32(r, &s->h, err)) || (st = get_u32(r, &s->w, err)) ||
        (st = get_u32(r, &s->c, err)))
        return st;
    if (s->h == 0 || s->w == 0 || s->c == 0 || s->h > FTSA_MAX_DIM || s->w > FTSA_MAX_DIM ||
        s->c > FTSA_MAX_DIM || (uint64_t)s->h * s->w * s->c > FTSA_MAX_ELEMS)
        return ftsa_fail(err, FTSA_E_FORMAT, "%s %ux%ux%u is absurd (limits: %u per dimension, %u "
                         "elements)", what, s->h, s->w, s->c, FTSA_MAX_DIM, FTSA_MAX_ELEMS);
    return FTSA_OK;
}

/* Allocate n elements only if the payload still holds them: a corrupt count
 * cannot make us allocate more than the file could contain. */
static ftsa_status_t get_array(reader_t *r, void **dst, uint32_t n, size_t elem, const char *what,
                               ftsa_err_t *err)
{
    size_t bytes = (size_t)n * elem;
    r->what = what;
    if (bytes > r->len - r->off)
        return take(r, NULL, bytes, err);
    uint8_t *a = malloc(bytes ? bytes : 1);
    if (!a)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %s", what);
    for (size_t i = 0; i < bytes; i += elem) {
        /* Multi-byte elements are little-endian in the file. */
        if (elem == 4) {
            uint32_t v = le32(r->p + r->off + i);
            memcpy(a + i, &v, 4);
        } else {
            a[i] = r->p[r->off + i];
        }
    }
    r->off += bytes;
    *dst = a;
    return FTSA_OK;
}

static ftsa_status_t decode_layer(reader_t *r, ftsa_layer_t *l, ftsa_err_t *err)
{
    ftsa_status_t st;
    uint8_t kind = 0, act = 0, src = 0, reserved = 0;
    r->what = "layer header";
    if ((st = get_u8(r, &kind, err)) || (st = get_u8(r, &act, err)) ||
        (st = get_u8(r, &src, err)) || (st = get_u8(r, &reserved, err)))
        return st;
    if (kind >= FTSA_LAYER_KIND_COUNT)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown layer kind %u", kind);
    if (act >= FTSA_ACT_COUNT)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown activation mode %u", act);
    if (src >= FTSA_THR_SOURCE_COUNT)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown threshold source %u", src);
    l->kind = kind;
    l->act = act;
    l->thr_src = src;
    if ((st = get_shape(r, &l->in, "input shape", err)) ||
        (st = get_shape(r, &l->out, "output shape", err)))
        return st;
    r->what = "layer geometry and quantization";
    if ((st = get_u32(r, &l->kh, err)) || (st = get_u32(r, &l->kw, err)) ||
        (st = get_u32(r, &l->stride, err)) || (st = get_u32(r, &l->pad, err)) ||
        (st = get_f32(r, &l->in_scale, err)) || (st = get_f32(r, &l->out_scale, err)) ||
        (st = get_zp(r, &l->in_zp, err)) || (st = get_zp(r, &l->out_zp, err)))
        return st;
    if (reserved)
        return ftsa_fail(err, FTSA_E_FORMAT, "reserved header byte is %u, must be 0", reserved);
    if (l->kh > FTSA_MAX_KERNEL || l->kw > FTSA_MAX_KERNEL)
        return ftsa_fail(err, FTSA_E_FORMAT, "kernel %ux%u is absurd (limit %u)", l->kh, l->kw,
                         FTSA_MAX_KERNEL);
    /* docs/formats.md: max pool has window and stride but no padding; fc,
     * global average pool and flatten have no geometry at all. */
    if (l->kind == FTSA_LAYER_MAXPOOL && l->pad)
        return ftsa_fail(err, FTSA_E_FORMAT, "max pool with padding %u (max pool takes none)",
                         l->pad);
    if (l->kind != FTSA_LAYER_CONV2D && l->kind != FTSA_LAYER_MAXPOOL &&
        (l->kh || l->kw || l->stride || l->pad))
        return ftsa_fail(err, FTSA_E_FORMAT, "%s with kernel %ux%u, stride %u, padding %u (all "
                         "must be 0)", ftsa_layer_kind_name(l->kind), l->kh, l->kw, l->stride,
                         l->pad);
    if (ftsa_layer_has_weights(l)) {
        uint32_t oc = l->out.c;
        if ((uint64_t)ftsa_layer_fan_in(l) * oc > FTSA_MAX_ELEMS)
            return ftsa_fail(err, FTSA_E_FORMAT, "%llu weights is absurd (limit %u)",
                             (unsigned long long)ftsa_layer_fan_in(l) * oc, FTSA_MAX_ELEMS);
        if ((st = get_array(r, (void **)&l->weights, ftsa_layer_weight_count(l), 1, "weights", err)) ||
            (st = get_array(r, (void **)&l->bias, oc, 4, "bias", err)) ||
            (st = get_array(r, (void **)&l->multiplier, oc, 4, "multipliers", err)) ||
            (st = get_array(r, (void **)&l->shift, oc, 1, "shifts", err)) ||
            (st = get_array(r, (void **)&l->w_scale, oc, 4, "weight scales", err)))
            return st;
        for (uint32_t c = 0; c < oc; c++)
            if (l->multiplier[c] != 0 && l->multiplier[c] < (INT32_C(1) << 30))
                return ftsa_fail(err, FTSA_E_FORMAT, "channel %u: multiplier %d outside "
                                 "[2^30, 2^31) and not 0", c, l->multiplier[c]);
    }
    uint32_t nt = ftsa_layer_thr_count(l);
    if (nt && (st = get_array(r, (void **)&l->thr, nt, 1, "thresholds", err)))
        return st;
    return FTSA_OK;
}

/* Version 2: u32 profiled images, then per weighted layer one i8 per output element. */
static ftsa_status_t decode_profile(reader_t *r, ftsa_net_t *net, ftsa_err_t *err)
{
    r->what = "activation profile";
    ftsa_status_t st = get_u32(r, &net->prof_images, err);
    for (uint32_t i = 0; !st && net->prof_images && i < net->n_layers; i++) {
        ftsa_layer_t *l = &net->layers[i];
        if (ftsa_layer_has_weights(l) &&
            (st = get_array(r, (void **)&l->prof_max, ftsa_shape_elems(l->out), 1,
                            "activation profile", err)))
            ftsa_err_prefix(err, "layer %u: ", i);
    }
    return st;
}

static ftsa_status_t decode_payload(reader_t *r, uint32_t version, ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_status_t st;
    uint8_t name_len = 0;
    r->what = "network name";
    if ((st = get_u8(r, &name_len, err)))
        return st;
    if (name_len >= sizeof net->name)
        return ftsa_fail(err, FTSA_E_FORMAT, "network name of %u bytes (limit %zu)", name_len,
                         sizeof net->name - 1);
    if ((st = take(r, net->name, name_len, err)))
        return st;
    net->name[name_len] = '\0';
    if ((st = get_shape(r, &net->input, "network input shape", err)))
        return st;
    r->what = "network input quantization";
    uint32_t n_layers = 0;
    if ((st = get_f32(r, &net->in_scale, err)) || (st = get_zp(r, &net->in_zp, err)) ||
        (st = get_u32(r, &n_layers, err)))
        return st;
    if (n_layers == 0 || n_layers > FTSA_MAX_LAYERS)
        return ftsa_fail(err, FTSA_E_FORMAT, "%u layers is absurd (must be 1..%u)", n_layers,
                         FTSA_MAX_LAYERS);
    for (uint32_t i = 0; i < n_layers; i++) {
        ftsa_layer_t l;
        memset(&l, 0, sizeof l);
        st = decode_layer(r, &l, err);
        if (!st)
            st = ftsa_net_append(net, &l, err);
        if (st) {
            ftsa_layer_free(&l);
            ftsa_err_prefix(err, "layer %u: ", i);
            return st;
        }
    }
    if (version >= 2 && (st = decode_profile(r, net, err)))
        return st;
    if (r->off != r->len)
        return ftsa_fail(err, FTSA_E_FORMAT, "%zu unexpected bytes after the %s",
                         r->len - r->off, version >= 2 ? "activation profile" : "last layer");
    return FTSA_OK;
}

ftsa_status_t ftsa_model_decode(const uint8_t *buf, size_t len, ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_net_init(net);
    if (len < HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT, "truncated: %zu bytes, the header alone needs %u", len,
                         HEADER_LEN);
    if (memcmp(buf, FTSA_MODEL_MAGIC, 4) != 0)
        return ftsa_fail(err, FTSA_E_FORMAT, "bad magic: not an .ftsa model file");
    uint32_t version = (uint32_t)buf[4] | (uint32_t)buf[5] << 8;
    uint32_t flags = (uint32_t)buf[6] | (uint32_t)buf[7] << 8;
    if (version < 1 || version > FTSA_MODEL_VERSION)
        return ftsa_fail(err, FTSA_E_FORMAT, "unsupported version %u (this build reads 1..%u)",
                         version, FTSA_MODEL_VERSION);
    if (flags)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown flags 0x%04x (must be 0)", flags);
    uint32_t ulen = le32(buf + 8), clen = le32(buf + 12), crc = le32(buf + 16);
    if (ulen > MAX_PAYLOAD)
        return ftsa_fail(err, FTSA_E_FORMAT, "payload of %u bytes is absurd (limit %u)", ulen,
                         MAX_PAYLOAD);
    if (clen > len - HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT,
                         "truncated: header announces %u compressed bytes, file holds %zu", clen,
                         len - HEADER_LEN);
    if (clen < len - HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT, "%zu trailing bytes after the compressed payload",
                         len - HEADER_LEN - clen);
    uint8_t *payload;
    ftsa_status_t zst = ftsa_inflate_exact(buf + HEADER_LEN, clen, ulen, &payload, err);
    if (zst)
        return zst;
    uint32_t actual = (uint32_t)crc32(0L, payload, ulen);
    if (actual != crc) {
        free(payload);
        return ftsa_fail(err, FTSA_E_FORMAT, "CRC mismatch: stored %08x, computed %08x", crc,
                         actual);
    }
    reader_t r = {payload, ulen, 0, ""};
    ftsa_status_t st = decode_payload(&r, version, net, err);
    free(payload);
    if (!st)
        st = ftsa_net_validate(net, err);
    if (st) {
        if (st == FTSA_E_INVALID)
            st = err ? (err->status = FTSA_E_FORMAT) : FTSA_E_FORMAT;
        ftsa_net_free(net);
    }
    return st;
}

ftsa_status_t ftsa_model_save(const ftsa_net_t *net, const char *path, ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_model_encode(net, &buf, &len, err);
    if (st)
        return st;
    st = ftsa_write_file_atomic(path, buf, len, err);
    free(buf);
    return st;
}

ftsa_status_t ftsa_model_load(const char *path, ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_net_init(net);
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, HEADER_LEN + (size_t)MAX_PAYLOAD + (MAX_PAYLOAD >> 8) + 4096, &buf, &len, err);
    if (st)
        return st;
    st = ftsa_model_decode(buf, len, net, err);
    free(buf);
    if (st)
        ftsa_err_prefix(err, "%s: ", path);
    return st;
}
