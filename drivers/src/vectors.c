/* Test-vector packages (vectors.h, docs/vectors.md).  The sequence written
 * here is also the one the C model runs: each step that costs cycles on the
 * RTL advances the package's cycle counter by exactly that many, so the
 * model's STAMP values are the ones the RTL's free-running counter gives. */
#include "ftsa/vectors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ftsa/compile.h"
#include "ftsa/fileio.h"
#include "ftsa/hw_regs.h"
#include "ftsa/hwmodel.h"
#include "ftsa_rtl_rev.h"
#include "sram_faults.h"

/* CYCLES_LO counts clock edges after reset: after k edges from power-on, of
 * which FTSA_VEC_RESET_LOW had rst_ni low, it reads k - FTSA_VEC_RESET_LOW.
 * A run's STAMP at command-execute cycle e (counted from the first cycle after
 * the START write) writes the value of the counter the C model computes as
 * clock0 + e + 1, so clock0 = (edges before the run) - FTSA_VEC_RESET_LOW. */
#define VEC_FORMAT_VERSION 1u
#define VEC_MAGIC 0x66747361u /* "ftsa" */

const char *ftsa_vec_rtl_revision(void)
{
    return FTSA_RTL_REVISION;
}

/* ------------------------------------------------------------ text buffers */

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} txt_t;

static void tx_printf(txt_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx_printf(txt_t *t, const char *fmt, ...)
{
    if (t->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            t->oom = 1;
            return;
        }
        if (t->s && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        size_t cap = t->cap ? t->cap : 4096;
        while (cap <= t->n + (size_t)k)
            cap *= 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->oom = 1;
            return;
        }
        t->s = s, t->cap = cap;
    }
}

/* ------------------------------------------------------------ package state */

enum { F_PARAMS, F_MEMORY, F_INPUTS, F_LAYOUT, F_SEQ, F_MASKS, F_EXPECT, F_README, F_COUNT };
static const char *const file_names[F_COUNT] = {"params.hex", "memory.hex", "inputs.hex",
                                                "layout.hex", "seq.hex",    "masks.hex",
                                                "expect.hex", "README.txt"};

typedef struct {
    const ftsa_net_t *net; /* the net compiled (a faulty copy for tensor-space faults) */
    const ftsa_vec_opts_t *o;
    ftsa_program_t prog;
    ftsa_hwm_t *hwm;
    uint8_t *host, *before;
    uint8_t *tracked; /* per host word: a layer output or stamp the check compares */
    ftsa_port_fault_t *pf;
    uint32_t n_pf, has_upsets;
    txt_t f[F_COUNT];
    txt_t j_seq, j_runs, j_images;
    uint64_t cycle;
    uint32_t steps, runs, masks, expect_words;
    uint64_t setup_cycles, infer_cycles;
    ftsa_err_t *err;
} vec_t;

static uint32_t host_word(const uint8_t *host, uint32_t word)
{
    const uint8_t *p = host + 4 * (size_t)word;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Host words of a layer's output region (0 for flatten: its input's words). */
static uint32_t out_words(const vec_t *v, const ftsa_tensor_map_t *m)
{
    return m->on_hw ? m->h * m->w * m->ct * v->prog.hw.array_n / 4 : 0;
}

static const char *op_name(uint32_t op)
{
    static const char *const names[] = {"end", "reset", "csr", "run", "load", "check", "fault",
                                        "upset"};
    return op < sizeof names / sizeof names[0] ? names[op] : "?";
}

/* Append a step to seq.hex and the manifest; `cycles` is what it costs. */
static void step(vec_t *v, uint32_t op, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
                 uint64_t cycles)
{
    tx_printf(&v->f[F_SEQ], "%08x_%08x_%08x_%08x\n", op << 24 | (a & 0xffffffu), b, c, d);
    tx_printf(&v->j_seq, "%s    {\"step\": %u, \"cycle\": %llu, \"op\": \"%s\", \"a\": %u, "
              "\"b\": %u, \"c\": %u, \"d\": %u, \"cycles\": %llu}",
              v->steps ? ",\n" : "", v->steps, (unsigned long long)v->cycle, op_name(op), a, b, c,
              d, (unsigned long long)cycles);
    v->steps++;
    v->cycle += cycles;
}

static uint32_t add_mask(vec_t *v, const uint32_t *mask)
{
    txt_t *t = &v->f[F_MASKS];
    for (uint32_t i = v->prog.hw.array_n; i-- > 0;)
        tx_printf(t, "%08x", mask[i]);
    tx_printf(t, "\n");
    return v->masks++;
}

static void csr(vec_t *v, uint32_t addr, uint32_t value)
{
    step(v, FTSA_VEC_CSR, addr, value, 0, 0, 1);
}

/* CMDQ_ADDR, START, and the run on the C model. */
static ftsa_status_t run(vec_t *v, uint32_t cmdq, uint32_t image, uint64_t *cycles)
{
    csr(v, FTSA_HW_CSR_CMDQ_ADDR, cmdq);
    csr(v, FTSA_HW_CSR_CTRL, 1u << FTSA_HW_CTRL_START);
    ftsa_hwm_set_clock(v->hwm, v->cycle - FTSA_VEC_RESET_LOW);
    ftsa_status_t st = ftsa_hwm_run(v->hwm, v->host, v->prog.image_bytes, cmdq, v->err);
    if (st)
        return st;
    *cycles = ftsa_hwm_run_cycles(v->hwm);
    char img[16] = "null";
    if (image != UINT32_MAX)
        snprintf(img, sizeof img, "%u", image);
    tx_printf(&v->j_runs, "%s    {\"run\": %u, \"image\": %s, \"start_cycle\": %llu, "
              "\"cycles\": %llu}",
              v->runs ? ",\n" : "", v->runs, img, (unsigned long long)v->cycle,
              (unsigned long long)*cycles);
    step(v, FTSA_VEC_RUN, 0, (uint32_t)*cycles, v->runs, image, *cycles);
    v->runs++;
    return FTSA_OK;
}

/* ------------------------------------------------------------ faults */

static int by_cycle(const void *a, const void *b)
{
    const ftsa_port_fault_t *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind == FTSA_FAULT_SEU ? 1 : -1; /* masks first */
    return x->cycle < y->cycle ? -1 : x->cycle > y->cycle;
}

/* The list's SRAM-space faults as port writes a plain bench can drive:
 * masks first, then upsets by cycle (one word per cycle, as the port takes). */
static ftsa_status_t port_faults(vec_t *v, const ftsa_fault_list_t *list)
{
    ftsa_status_t st = ftsa_port_faults(list, &v->prog.hw, &v->pf, &v->n_pf, v->err);
    if (st)
        return st;
    for (uint32_t i = 0; i < v->n_pf; i++)
        if (v->pf[i].kind == FTSA_FAULT_READ_DISTURB)
            return ftsa_fail(v->err, FTSA_E_UNSUPPORTED,
                             "read-disturb faults (memory %u word %u) are drawn per read by the "
                             "simulator's DPI hook; a plain Verilog bench has no port for them",
                             v->pf[i].mem, v->pf[i].addr);
    if (v->n_pf)
        qsort(v->pf, v->n_pf, sizeof *v->pf, by_cycle);
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n_pf; i++) {
        ftsa_port_fault_t *f = &v->pf[i], *prev = n ? &v->pf[n - 1] : NULL;
        if (f->kind == FTSA_FAULT_SEU && prev && prev->kind == FTSA_FAULT_SEU &&
            prev->cycle == f->cycle) {
            if (prev->mem != f->mem || prev->addr != f->addr)
                return ftsa_fail(v->err, FTSA_E_UNSUPPORTED,
                                 "two upsets in run cycle %llu (memory %u word %u, memory %u "
                                 "word %u): the fault port takes one word per cycle",
                                 (unsigned long long)f->cycle, prev->mem, prev->addr, f->mem,
                                 f->addr);
            for (uint32_t k = 0; k < FTSA_FAULT_MAX_WORD_BITS / 32; k++)
                prev->mask[k] ^= f->mask[k];
            continue;
        }
        if (f->kind == FTSA_FAULT_SEU && f->cycle > UINT32_MAX)
            return ftsa_fail(v->err, FTSA_E_UNSUPPORTED, "upset at run cycle %llu: the package "
                             "holds 32-bit run cycles", (unsigned long long)f->cycle);
        v->pf[n++] = *f;
        v->has_upsets |= f->kind == FTSA_FAULT_SEU;
    }
    v->n_pf = n;
    return FTSA_OK;
}

/* The permanent masks on the port (a cycle each) and in the C model. */
static ftsa_status_t install_masks(vec_t *v, int emit)
{
    ftsa_hwm_clear_faults(v->hwm);
    for (uint32_t i = 0; i < v->n_pf; i++) {
        const ftsa_port_fault_t *f = &v->pf[i];
        if (f->kind == FTSA_FAULT_SEU)
            continue;
        ftsa_status_t st = ftsa_hwm_fault_mask(v->hwm, f->mem, (ftsa_hwm_mask_t)f->kind, f->addr,
                                               f->mask, v->err);
        if (st)
            return st;
        if (emit)
            step(v, FTSA_VEC_FAULT, f->mem << 4 | f->kind, f->addr, add_mask(v, f->mask), 0, 1);
    }
    return FTSA_OK;
}

/* Upsets of the next run (no cycle of their own: the bench drives them
 * during the run). */
static ftsa_status_t arm_upsets(vec_t *v)
{
    for (uint32_t i = 0; i < v->n_pf; i++) {
        const ftsa_port_fault_t *f = &v->pf[i];
        if (f->kind != FTSA_FAULT_SEU)
            continue;
        ftsa_status_t st = ftsa_hwm_fault_upset(v->hwm, f->mem, f->cycle, f->addr, f->mask, v->err);
        if (st)
            return st;
        step(v, FTSA_VEC_UPSET, f->mem, f->addr, add_mask(v, f->mask), (uint32_t)f->cycle, 0);
    }
    return FTSA_OK;
}

/* ------------------------------------------------------------ images */

static void mark_tracked(vec_t *v)
{
    for (uint32_t l = 0; l < v->prog.n_layers; l++) {
        const ftsa_tensor_map_t *m = &v->prog.layers[l];
        uint32_t base = m->host / 4, n = out_words(v, m);
        memset(v->tracked + base, 1, n);
        v->tracked[m->stamp / 4] = v->tracked[m->stamp / 4 + 1] = 1;
    }
}

static uint32_t argmax(const int8_t *x, uint32_t n)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

/* The expected words of image k after its run, and its manifest entry. */
static ftsa_status_t record_image(vec_t *v, uint32_t k, uint64_t cycles)
{
    size_t words = v->prog.image_bytes / 4;
    for (size_t w = 0; w < words; w++)
        if (!v->tracked[w] && host_word(v->host, (uint32_t)w) != host_word(v->before, (uint32_t)w))
            return ftsa_fail(v->err, FTSA_E_BACKEND,
                             "image %u: the C model wrote host word %zu, outside every layer "
                             "output and stamp", k, w);
    txt_t *e = &v->f[F_EXPECT], *j = &v->j_images;
    tx_printf(j, "%s    {\"image\": %u, \"run_cycles\": %llu, \"layer_cycles\": [", k ? ",\n" : "",
              k, (unsigned long long)cycles);
    for (uint32_t l = 0; l < v->prog.n_layers; l++) {
        const ftsa_tensor_map_t *m = &v->prog.layers[l];
        uint32_t base = m->host / 4, n = out_words(v, m), s = m->stamp / 4;
        for (uint32_t i = 0; i < n; i++)
            tx_printf(e, "%08x\n", host_word(v->host, base + i));
        uint32_t s0 = host_word(v->host, s), s1 = host_word(v->host, s + 1);
        tx_printf(e, "%08x\n%08x\n", s0, s1);
        v->expect_words += n + 2;
        tx_printf(j, "%s%u", l ? ", " : "", s1 - s0);
    }
    tx_printf(j, "], \"stamps\": [");
    for (uint32_t l = 0; l < v->prog.n_layers; l++) {
        uint32_t s = v->prog.layers[l].stamp / 4;
        tx_printf(j, "%s[%u, %u]", l ? ", " : "", host_word(v->host, s), host_word(v->host, s + 1));
    }
    uint32_t last = v->prog.n_layers - 1, elems = ftsa_shape_elems(v->net->layers[last].out);
    int8_t *out = malloc(elems);
    if (!out)
        return ftsa_fail(v->err, FTSA_E_NOMEM, "out of memory");
    ftsa_program_unpack(&v->prog, &v->prog.layers[last], v->host, out);
    tx_printf(j, "], \"class\": %u}", argmax(out, elems));
    free(out);
    return FTSA_OK;
}

static ftsa_status_t run_image(vec_t *v, uint32_t k)
{
    const ftsa_tensor_map_t *in = &v->prog.input;
    uint32_t in_words = in->h * in->w * in->ct * v->prog.hw.array_n / 4;
    ftsa_status_t st;
    uint64_t cycles;
    /* Upsets change SRAM contents: every image starts from a fresh setup. */
    if (v->has_upsets && k > 0 && (st = run(v, v->prog.setup_addr, UINT32_MAX, &cycles)))
        return st;
    ftsa_program_pack_input(&v->prog, v->o->inputs + (size_t)k * ftsa_shape_elems(v->net->input),
                            v->host);
    for (uint32_t i = 0; i < in_words; i++)
        tx_printf(&v->f[F_INPUTS], "%08x\n", host_word(v->host, in->host / 4 + i));
    step(v, FTSA_VEC_LOAD, 0, k, 0, 0, 0);
    if ((st = arm_upsets(v)))
        return st;
    memcpy(v->before, v->host, v->prog.image_bytes);
    if ((st = run(v, v->prog.infer_addr, k, &cycles)))
        return st;
    if (k == 0)
        v->infer_cycles = cycles;
    if (v->has_upsets && (st = install_masks(v, 0))) /* drop the run's upsets */
        return st;
    if ((st = record_image(v, k, cycles)))
        return st;
    step(v, FTSA_VEC_CHECK, 0, k, 0, 0, 0);
    return FTSA_OK;
}

/* ------------------------------------------------------------ files */

static void write_static(vec_t *v)
{
    const ftsa_program_t *p = &v->prog;
    size_t words = p->image_bytes / 4;
    for (size_t w = 0; w < words; w++)
        tx_printf(&v->f[F_MEMORY], "%08x\n", host_word(p->image, (uint32_t)w));
    for (uint32_t l = 0; l < p->n_layers; l++) {
        const ftsa_tensor_map_t *m = &p->layers[l];
        tx_printf(&v->f[F_LAYOUT], "%08x_%08x_%08x_%08x\n", m->host / 4, out_words(v, m),
                  m->stamp / 4, m->ct);
    }
    const ftsa_tensor_map_t *in = &p->input;
    uint32_t vals[] = {VEC_MAGIC,
                       VEC_FORMAT_VERSION,
                       p->hw.array_n,
                       (uint32_t)words,
                       v->o->n_images,
                       p->n_layers,
                       in->host / 4,
                       in->h * in->w * in->ct * p->hw.array_n / 4,
                       v->steps,
                       v->masks,
                       v->expect_words};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        tx_printf(&v->f[F_PARAMS], "%08x\n", vals[i]);
    tx_printf(&v->f[F_README],
              "ftsa test-vector package (format %u): %s on a %ux%u array, %u image(s).\n"
              "Replay on the RTL (docs/vectors.md): from this directory run\n"
              "  iverilog -g2005 -DFTSA_FAULTS -P tb_replay.ArrayN=%u -I RTL -o replay.vvp \\\n"
              "      testbenches/replay/tb_replay.v RTL/ftsa_*.v && vvp -n replay.vvp\n"
              "manifest.json lists every file with its zlib CRC-32.\n",
              VEC_FORMAT_VERSION, v->o->model_name ? v->o->model_name : v->net->name,
              p->hw.array_n, p->hw.array_n, v->o->n_images, p->hw.array_n);
}

static void json_str(txt_t *t, const char *s)
{
    tx_printf(t, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            tx_printf(t, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            tx_printf(t, "\\u%04x", (unsigned char)*s);
        else
            tx_printf(t, "%c", *s);
    }
    tx_printf(t, "\"");
}

static void write_manifest(vec_t *v, txt_t *m, const uint32_t *crc)
{
    const ftsa_program_t *p = &v->prog;
    const ftsa_vec_opts_t *o = v->o;
    tx_printf(m, "{\n  \"format\": \"ftsa-vectors\",\n  \"version\": %u,\n  \"model\": ",
              VEC_FORMAT_VERSION);
    json_str(m, o->model_name ? o->model_name : "");
    tx_printf(m, ",\n  \"net\": ");
    json_str(m, v->net->name);
    tx_printf(m, ",\n  \"model_crc32\": \"%08x\",\n  \"rtl_revision\": \"%s\",\n",
              o->model_crc32, FTSA_RTL_REVISION);
    tx_printf(m, "  \"hw\": {\"array_n\": %u, \"wgt_depth\": %u, \"act_depth\": %u, "
              "\"acc_depth\": %u, \"par_depth\": %u, \"thr_depth\": %u},\n",
              p->hw.array_n, p->hw.wgt_depth, p->hw.act_depth, p->hw.acc_depth, p->hw.par_depth,
              p->hw.thr_depth);
    tx_printf(m, "  \"inputs\": ");
    json_str(m, o->inputs_desc ? o->inputs_desc : "");
    tx_printf(m, ",\n  \"images\": %u,\n  \"faults\": ", o->n_images);
    if (o->faults && o->faults->n) {
        tx_printf(m, "{\"file\": ");
        json_str(m, o->faults_name ? o->faults_name : "");
        tx_printf(m, ", \"crc32\": \"%08x\", \"faults\": %u, \"port_writes\": %u, "
                  "\"upsets\": %s}", o->faults_crc32, o->faults->n, v->n_pf,
                  v->has_upsets ? "true" : "false");
    } else
        tx_printf(m, "null");
    tx_printf(m, ",\n  \"host_words\": %zu,\n  \"setup_addr\": %u,\n  \"infer_addr\": %u,\n",
              p->image_bytes / 4, p->setup_addr, p->infer_addr);
    tx_printf(m, "  \"input\": {\"word\": %u, \"words\": %u, \"shape\": [%u, %u, %u], \"ct\": %u},\n",
              p->input.host / 4, p->input.h * p->input.w * p->input.ct * p->hw.array_n / 4,
              p->input.h, p->input.w, p->input.c, p->input.ct);
    tx_printf(m, "  \"layers\": [\n");
    for (uint32_t l = 0; l < p->n_layers; l++) {
        const ftsa_tensor_map_t *t = &p->layers[l];
        tx_printf(m, "    {\"layer\": %u, \"kind\": \"%s\", \"shape\": [%u, %u, %u], \"ct\": %u, "
                  "\"word\": %u, \"words\": %u, \"stamp_word\": %u}%s\n",
                  l, ftsa_layer_kind_name(v->net->layers[l].kind), t->h, t->w, t->c, t->ct,
                  t->host / 4, out_words(v, t), t->stamp / 4, l + 1 < p->n_layers ? "," : "");
    }
    tx_printf(m, "  ],\n  \"setup_cycles\": %llu,\n  \"total_cycles\": %llu,\n",
              (unsigned long long)v->setup_cycles, (unsigned long long)v->cycle);
    tx_printf(m, "  \"runs\": [\n%s\n  ],\n", v->j_runs.s ? v->j_runs.s : "");
    tx_printf(m, "  \"expected\": [\n%s\n  ],\n", v->j_images.s ? v->j_images.s : "");
    tx_printf(m, "  \"sequence\": [\n%s\n  ],\n  \"files\": {\n", v->j_seq.s ? v->j_seq.s : "");
    for (int i = 0; i < F_COUNT; i++)
        tx_printf(m, "    \"%s\": {\"bytes\": %zu, \"crc32\": \"%08x\"}%s\n", file_names[i],
                  v->f[i].n, crc[i], i + 1 < F_COUNT ? "," : "");
    tx_printf(m, "  }\n}\n");
}

static ftsa_status_t write_files(vec_t *v, const char *dir)
{
    uint32_t crc[F_COUNT];
    char path[4096];
    for (int i = 0; i < F_COUNT; i++) {
        if (v->f[i].oom)
            return ftsa_fail(v->err, FTSA_E_NOMEM, "out of memory for %s", file_names[i]);
        crc[i] = (uint32_t)crc32(0L, (const Bytef *)(v->f[i].s ? v->f[i].s : ""), (uInt)v->f[i].n);
        snprintf(path, sizeof path, "%s/%s", dir, file_names[i]);
        ftsa_status_t st = ftsa_write_file_atomic(path, v->f[i].s ? v->f[i].s : "", v->f[i].n,
                                                  v->err);
        if (st)
            return st;
    }
    txt_t m = {0};
    write_manifest(v, &m, crc);
    if (m.oom || v->j_seq.oom || v->j_runs.oom || v->j_images.oom) {
        free(m.s);
        return ftsa_fail(v->err, FTSA_E_NOMEM, "out of memory for the manifest");
    }
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    ftsa_status_t st = ftsa_write_file_atomic(path, m.s, m.n, v->err);
    free(m.s);
    return st;
}

/* ------------------------------------------------------------ export */

static ftsa_status_t check_faults(const ftsa_fault_list_t *list, const ftsa_net_t *net,
                                  int *tensor, ftsa_err_t *err)
{
    int sram = 0;
    *tensor = 0;
    for (uint32_t i = 0; list && i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        uint32_t id = f->line ? f->line : i;
        if (f->space == FTSA_SPACE_SRAM)
            sram = 1;
        else if (f->target == FTSA_TENSOR_ACT)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "fault %u: tensor-space activation faults have no place in the RTL; "
                             "use SRAM-space act faults", id);
        else
            *tensor = 1;
    }
    if (*tensor && sram)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED, "a list mixes SRAM-space and tensor-space "
                         "faults; export them in separate packages");
    return *tensor ? ftsa_faults_check_tensor(list, net, err) : FTSA_OK;
}

static ftsa_status_t build(vec_t *v)
{
    ftsa_status_t st;
    uint64_t cycles;
    step(v, FTSA_VEC_RESET, 0, FTSA_VEC_RESET_LOW, FTSA_VEC_RESET_HIGH, 0,
         FTSA_VEC_RESET_LOW + FTSA_VEC_RESET_HIGH);
    if ((st = run(v, v->prog.setup_addr, UINT32_MAX, &cycles)))
        return st;
    v->setup_cycles = cycles;
    if ((st = install_masks(v, 1)))
        return st;
    for (uint32_t k = 0; k < v->o->n_images; k++)
        if ((st = run_image(v, k)))
            return st;
    step(v, FTSA_VEC_END, 0, 0, 0, 0, 0);
    return FTSA_OK;
}

ftsa_status_t ftsa_vec_export(const ftsa_net_t *net, const ftsa_vec_opts_t *opts, const char *dir,
                              ftsa_vec_summary_t *summary, ftsa_err_t *err)
{
    if (!opts->n_images || !opts->inputs)
        return ftsa_fail(err, FTSA_E_INVALID, "a package needs at least one input");
    if (!net->n_layers)
        return ftsa_fail(err, FTSA_E_INVALID, "the network has no layers");
    int tensor;
    ftsa_status_t st = check_faults(opts->faults, net, &tensor, err);
    if (st)
        return st;
    vec_t v = {.net = net, .o = opts, .err = err};
    ftsa_net_t faulty;
    if (tensor) {
        /* Weight and bias faults: the faulty net is what the hardware holds
         * (its bias folded from the faulty weights, as the back ends do). */
        if ((st = ftsa_net_clone(net, &faulty, err)))
            return st;
        ftsa_faults_apply_params(opts->faults, &faulty);
        v.net = &faulty;
    }
    ftsa_hw_cfg_t hw;
    ftsa_hwm_default_cfg(opts->array_n, &hw);
    if ((st = ftsa_compile(v.net, &hw, &v.prog, err)))
        goto out;
    if ((st = ftsa_hwm_create(&hw, &v.hwm, err)))
        goto out;
    size_t words = v.prog.image_bytes / 4;
    v.host = malloc(v.prog.image_bytes);
    v.before = malloc(v.prog.image_bytes);
    v.tracked = calloc(words ? words : 1, 1);
    if (!v.host || !v.before || !v.tracked) {
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for host memory");
        goto out;
    }
    memcpy(v.host, v.prog.image, v.prog.image_bytes);
    mark_tracked(&v);
    if (!tensor && (st = port_faults(&v, opts->faults)))
        goto out;
    if ((st = build(&v)))
        goto out;
    write_static(&v);
    if ((st = write_files(&v, dir)))
        goto out;
    if (summary)
        *summary = (ftsa_vec_summary_t){.host_words = (uint32_t)words,
                                        .steps = v.steps,
                                        .masks = v.masks,
                                        .expect_words = v.expect_words,
                                        .setup_cycles = v.setup_cycles,
                                        .infer_cycles = v.infer_cycles,
                                        .total_cycles = v.cycle};
out:
    for (int i = 0; i < F_COUNT; i++)
        free(v.f[i].s);
    free(v.j_seq.s);
    free(v.j_runs.s);
    free(v.j_images.s);
    free(v.pf);
    free(v.host);
    free(v.before);
    free(v.tracked);
    ftsa_hwm_destroy(v.hwm);
    ftsa_program_free(&v.prog);
    if (tensor)
        ftsa_net_free(&faulty);
    return st;
}
