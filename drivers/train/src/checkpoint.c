/* Training checkpoints: everything a run needs to continue bit for bit.
 *
 * Layout (native byte order, CRC-32 of all preceding bytes at the end):
 *   "FTSACKPT" u32 version, u64 net signature, u64 configuration signature,
 *   u32 epochs done, u64 optimizer steps, u32 calibrated, u32 layers,
 *   per layer {f32 q_scale, i32 q_zp}, u64 parameters, f32 params[], m[], v[], u32 crc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/fileio.h"
#include "ftsa/train.h"

#define CKPT_MAGIC "FTSACKPT"
#define CKPT_VERSION 1u

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Everything in the configuration that changes the trajectory of a run. */
static uint64_t cfg_signature(const ftsa_train_cfg_t *c)
{
    uint64_t h = 0xcbf29ce484222325ull;
    uint32_t u[] = {c->epochs, c->qat_epochs, c->batch, (uint32_t)c->optimizer,
                    (uint32_t)c->schedule, c->weight_bits, c->val_count, c->train_limit,
                    c->calib_count};
    double d[] = {c->lr, c->qat_lr, c->momentum, c->weight_decay};
    h = mix(h, &c->seed, sizeof c->seed);
    h = mix(h, u, sizeof u);
    return mix(h, d, sizeof d);
}

typedef struct {
    FILE *f;
    uLong crc;
    int ok;
} writer_t;

static void put(writer_t *w, const void *p, size_t n)
{
    if (!w->ok)
        return;
    if (fwrite(p, 1, n, w->f) != n)
        w->ok = 0;
    for (size_t done = 0; done < n;) {
        uInt chunk = n - done > (1u << 30) ? (1u << 30) : (uInt)(n - done);
        w->crc = crc32(w->crc, (const Bytef *)p + done, chunk);
        done += chunk;
    }
}

static void put_u32(writer_t *w, uint32_t v) { put(w, &v, sizeof v); }
static void put_u64(writer_t *w, uint64_t v) { put(w, &v, sizeof v); }

static void write_body(writer_t *w, const ftsa_trainer_t *t)
{
    const ftsa_tnet_t *net = t->net;
    put(w, CKPT_MAGIC, 8);
    put_u32(w, CKPT_VERSION);
    put_u64(w, ftsa_tnet_signature(net));
    put_u64(w, cfg_signature(&t->cfg));
    put_u32(w, t->epoch);
    put_u64(w, t->step);
    put_u32(w, (uint32_t)t->calibrated);
    put_u32(w, net->n_layers);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        put(w, &net->layers[i].q_scale, sizeof(float));
        put(w, &net->layers[i].q_zp, sizeof(int32_t));
    }
    put_u64(w, net->n_params);
    put(w, net->params, net->n_params * sizeof(float));
    put(w, t->m, net->n_params * sizeof(float));
    put(w, t->v, net->n_params * sizeof(float));
    uint32_t crc = (uint32_t)w->crc;
    put_u32(w, crc);
}

ftsa_status_t ftsa_checkpoint_save(const ftsa_trainer_t *t, const char *path, ftsa_err_t *err)
{
    ftsa_atomic_t a;
    ftsa_status_t st = ftsa_atomic_begin(&a, path, err);
    if (st)
        return st;
    writer_t w = {.f = a.f, .crc = crc32(0, Z_NULL, 0), .ok = 1};
    write_body(&w, t);
    if ((st = ftsa_atomic_commit(&a, w.ok, err)))
        ftsa_err_prefix(err, "cannot write checkpoint: ");
    return st;
}

typedef struct {
    const uint8_t *p, *end;
} reader_t;

static int get(reader_t *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

/* The exact size of a checkpoint of net: the file must be this long, so no
 * more is ever read (a directory or a huge file is refused up front). */
static size_t checkpoint_size(const ftsa_tnet_t *net)
{
    return 8 + 4 + 8 + 8 + 4 + 8 + 4 + 4 + (size_t)net->n_layers * 8 + 8 +
           3 * (size_t)net->n_params * sizeof(float) + 4;
}

ftsa_status_t ftsa_checkpoint_parse(ftsa_trainer_t *t, const uint8_t *buf, size_t len, ftsa_err_t *err)
{
    ftsa_tnet_t *net = t->net;
    if (len < 12 || memcmp(buf, CKPT_MAGIC, 8))
        return ftsa_fail(err, FTSA_E_FORMAT, "not an ftsa training checkpoint");
    uint32_t crc;
    memcpy(&crc, buf + len - 4, 4);
    if (crc != (uint32_t)crc32(crc32(0, Z_NULL, 0), buf, (uInt)(len - 4)))
        return ftsa_fail(err, FTSA_E_FORMAT, "checksum mismatch (truncated or corrupt)");
    reader_t r = {buf + 8, buf + len - 4};
    uint32_t version, epoch, calibrated, n_layers;
    uint64_t net_sig, cfg_sig, step, n_params;
    if (get(&r, &version, 4) || version != CKPT_VERSION)
        return ftsa_fail(err, FTSA_E_FORMAT, "unsupported checkpoint version");
    if (get(&r, &net_sig, 8) || net_sig != ftsa_tnet_signature(net))
        return ftsa_fail(err, FTSA_E_INVALID, "checkpoint was written for another architecture");
    if (get(&r, &cfg_sig, 8) || cfg_sig != cfg_signature(&t->cfg))
        return ftsa_fail(err, FTSA_E_INVALID,
                         "checkpoint was written with other training options (seed, epochs, "
                         "batch, optimizer, rates, bits, held-out count)");
    if (get(&r, &epoch, 4) || get(&r, &step, 8) || get(&r, &calibrated, 4) ||
        get(&r, &n_layers, 4) || n_layers != net->n_layers)
        return ftsa_fail(err, FTSA_E_FORMAT, "malformed checkpoint header");
    if (epoch > t->cfg.epochs + t->cfg.qat_epochs)
        return ftsa_fail(err, FTSA_E_FORMAT, "checkpoint claims %u epochs done", epoch);
    for (uint32_t i = 0; i < n_layers; i++)
        if (get(&r, &net->layers[i].q_scale, 4) || get(&r, &net->layers[i].q_zp, 4))
            return ftsa_fail(err, FTSA_E_FORMAT, "truncated calibration");
    size_t bytes = net->n_params * sizeof(float);
    if (get(&r, &n_params, 8) || n_params != net->n_params || get(&r, net->params, bytes) ||
        get(&r, t->m, bytes) || get(&r, t->v, bytes) || r.p != r.end)
        return ftsa_fail(err, FTSA_E_FORMAT, "parameter block does not match the network");
    t->epoch = epoch;
    t->step = step;
    t->calibrated = calibrated != 0;
    return FTSA_OK;
}

ftsa_status_t ftsa_checkpoint_load(ftsa_trainer_t *t, const char *path, ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, checkpoint_size(t->net), &buf, &len, err);
    if (st)
        return st;
    st = ftsa_checkpoint_parse(t, buf, len, err);
    free(buf);
    if (st)
        ftsa_err_prefix(err, "%s: ", path);
    return st;
}
