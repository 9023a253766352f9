/* Cycle-accurate C model of ftsa_top (hwmodel.h).
 *
 * Each command is timed in closed form from the RTL's state machines
 * (rtl/ftsa_ctrl.v, ftsa_dma.v, ftsa_feeder.v, ftsa_pool.v; docs/hardware.md
 * derives every formula); its data is computed in one go.  Cycle 0 of a run
 * is the controller's first FETCH0.  A command fetch takes cycles t..t+2 and
 * executes at t+3 (EXEC); every command but PASS waits in EXEC until the
 * pipeline has drained.  A pass's accesses, for read i of the feeder at
 * cycle r = P + 1 + i (P: the cycle the feeder accepts the pass):
 *   activation read at r; the position enters the array at v = r + 1;
 *   leaves it at a = v + 2N - 1, when the accumulator is read (not on the
 *   first input tile) and the per-neuron threshold is read (last tile);
 *   accumulator write at a + 1 (not on the last tile); output write at a + 2.
 * Accesses to one SRAM word are processed in cycle order, which is all that
 * timed faults need: an upset is applied to a word lazily, at its next access. */
#include "ftsa/hwmodel.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/faults.h"
#include "ftsa/hw_regs.h"
#include "ftsa/quant.h"
#include "sram_faults.h"

#define N_MEMS 6
#define MAX_WORD 64 /* bytes of the widest word: 32 x 16 accumulator bits */
#define N_REGS 32

typedef struct {
    uint64_t cycle;
    uint32_t addr;
    uint8_t mask[MAX_WORD];
    int done;
} upset_t;

typedef struct {
    uint32_t addr, bit;
    double p;
    uint64_t seed;
} disturb_t;

/* One SRAM: contents, per-word fault masks (allocated on first use), pending
 * upsets and read-disturb cells. */
typedef struct {
    uint32_t depth, bytes; /* words, bytes per word */
    uint8_t *data;
    uint8_t *masked;       /* per word: has sa0/sa1/flip masks */
    uint8_t *sa0, *sa1, *flip;
    uint8_t *timed;        /* per word: has upsets or read-disturb cells */
    upset_t *up;
    size_t n_up, cap_up;
    disturb_t *rd;
    size_t n_rd, cap_rd;
} sram_t;

struct ftsa_hwm {
    ftsa_hw_cfg_t hw;
    uint32_t n;
    sram_t mem[N_MEMS];
    ftsa_trace_t *trace;
    uint64_t clock0, run_cycles;
    /* state that outlives a run, as registers do in the RTL */
    uint16_t regs[N_REGS];
    int load_sel;
    int8_t *win;       /* feeder tap-packing window: N slots of N bytes, ring */
    uint32_t win_base;
    int8_t *pe_w[2];   /* array weight buffers, row-major N x N */
    int32_t lane_bias[16], lane_mult[16];
    uint8_t lane_shift[16];
    int8_t thr_ch[16];
    /* host memory of the current run */
    uint8_t *host;
    size_t host_bytes;
    int host_bad;
    uint32_t host_bad_addr;
};

/* ------------------------------------------------------------------ SRAMs */

/* memcpy of a word: sizes known at compile time for the common widths, so
 * the copy is a move or two rather than a call. */
static inline void copy_word(void *dst, const void *src, uint32_t bytes)
{
    switch (bytes) {
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    case 32: memcpy(dst, src, 32); break;
    case 64: memcpy(dst, src, 64); break;
    default: memcpy(dst, src, bytes); break;
    }
}

void ftsa_hwm_default_cfg(uint32_t array_n, ftsa_hw_cfg_t *hw)
{
    /* ftsa_top's parameter defaults (rtl/ftsa_top.v). */
    hw->array_n = array_n;
    hw->wgt_depth = 16384, hw->act_depth = 4096, hw->acc_depth = 1024;
    hw->par_depth = 2048, hw->thr_depth = 4096;
}

uint32_t ftsa_hwm_mem_width(const ftsa_hwm_t *m, uint32_t mem)
{
    return mem < N_MEMS ? m->mem[mem].bytes * 8 : 0;
}

uint32_t ftsa_hwm_mem_depth(const ftsa_hwm_t *m, uint32_t mem)
{
    return mem < N_MEMS ? m->mem[mem].depth : 0;
}

static int pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

ftsa_status_t ftsa_hwm_create(const ftsa_hw_cfg_t *hw, ftsa_hwm_t **out, ftsa_err_t *err)
{
    uint32_t n = hw->array_n;
    if (n != 4 && n != 8 && n != 16)
        return ftsa_fail(err, FTSA_E_INVALID, "array side %u: the C model supports 4, 8 and 16", n);
    uint32_t depth[N_MEMS] = {hw->wgt_depth, hw->act_depth, hw->act_depth, hw->acc_depth,
                              hw->par_depth, hw->thr_depth};
    uint32_t bytes[N_MEMS];
    for (int i = 0; i < N_MEMS; i++)
        bytes[i] = ftsa_hw_mem_width(hw, (uint32_t)i) / 8;
    for (int i = 0; i < N_MEMS; i++)
        if (!pow2(depth[i]) || depth[i] > 65536)
            return ftsa_fail(err, FTSA_E_INVALID,
                             "SRAM depth %u: must be a power of two up to 65536", depth[i]);
    ftsa_hwm_t *m = calloc(1, sizeof *m);
    if (!m)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the C model");
    m->hw = *hw;
    m->n = n;
    int ok = 1;
    for (int i = 0; i < N_MEMS; i++) {
        m->mem[i].depth = depth[i], m->mem[i].bytes = bytes[i];
        ok &= !!(m->mem[i].data = calloc(depth[i], bytes[i]));
    }
    ok &= !!(m->win = calloc(n, n));
    ok &= !!(m->pe_w[0] = calloc(n, n)) && !!(m->pe_w[1] = calloc(n, n));
    if (!ok) {
        ftsa_hwm_destroy(m);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the C model's SRAMs");
    }
    *out = m;
    return FTSA_OK;
}

static void sram_free_faults(sram_t *s)
{
    free(s->masked), free(s->sa0), free(s->sa1), free(s->flip), free(s->timed);
    free(s->up), free(s->rd);
    s->masked = s->sa0 = s->sa1 = s->flip = s->timed = NULL;
    s->up = NULL, s->rd = NULL;
    s->n_up = s->cap_up = s->n_rd = s->cap_rd = 0;
}

void ftsa_hwm_destroy(ftsa_hwm_t *m)
{
    if (!m)
        return;
    for (int i = 0; i < N_MEMS; i++) {
        sram_free_faults(&m->mem[i]);
        free(m->mem[i].data);
    }
    free(m->win), free(m->pe_w[0]), free(m->pe_w[1]);
    free(m);
}

void ftsa_hwm_clear_faults(ftsa_hwm_t *m)
{
    for (int i = 0; i < N_MEMS; i++)
        sram_free_faults(&m->mem[i]);
}

static ftsa_status_t check_word(const ftsa_hwm_t *m, uint32_t mem, uint32_t addr, ftsa_err_t *err)
{
    if (mem >= N_MEMS)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown memory id %u", mem);
    if (addr >= m->mem[mem].depth)
        return ftsa_fail(err, FTSA_E_INVALID, "word %u beyond memory %u's %u words", addr, mem,
                         m->mem[mem].depth);
    return FTSA_OK;
}

static void mask_bytes(uint8_t *dst, const uint32_t *mask, uint32_t bytes)
{
    for (uint32_t i = 0; i < bytes; i++)
        dst[i] = (uint8_t)(mask[i / 4] >> (8 * (i % 4)));
}

ftsa_status_t ftsa_hwm_fault_mask(ftsa_hwm_t *m, uint32_t mem, ftsa_hwm_mask_t kind, uint32_t addr,
                                  const uint32_t *mask, ftsa_err_t *err)
{
    ftsa_status_t st = check_word(m, mem, addr, err);
    if (st)
        return st;
    sram_t *s = &m->mem[mem];
    if (!s->masked) {
        s->masked = calloc(s->depth, 1);
        s->sa0 = calloc(s->depth, s->bytes);
        s->sa1 = calloc(s->depth, s->bytes);
        s->flip = calloc(s->depth, s->bytes);
        if (!s->masked || !s->sa0 || !s->sa1 || !s->flip)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for fault masks");
    }
    uint8_t *dst = (kind == FTSA_HWM_SA0 ? s->sa0 : kind == FTSA_HWM_SA1 ? s->sa1 : s->flip) +
                   (size_t)addr * s->bytes;
    mask_bytes(dst, mask, s->bytes);
    uint8_t any = 0;
    for (uint32_t i = 0; i < s->bytes; i++) {
        size_t o = (size_t)addr * s->bytes + i;
        any |= s->sa0[o] | s->sa1[o] | s->flip[o];
    }
    s->masked[addr] = any != 0;
    return FTSA_OK;
}

static ftsa_status_t mark_timed(sram_t *s, uint32_t addr, ftsa_err_t *err)
{
    if (!s->timed && !(s->timed = calloc(s->depth, 1)))
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for timed faults");
    s->timed[addr] = 1;
    return FTSA_OK;
}

ftsa_status_t ftsa_hwm_fault_upset(ftsa_hwm_t *m, uint32_t mem, uint64_t cycle, uint32_t addr,
                                   const uint32_t *mask, ftsa_err_t *err)
{
    ftsa_status_t st = check_word(m, mem, addr, err);
    sram_t *s = &m->mem[mem];
    if (st || (st = mark_timed(s, addr, err)))
        return st;
    if (s->n_up == s->cap_up) {
        size_t cap = s->cap_up ? 2 * s->cap_up : 16;
        upset_t *v = realloc(s->up, cap * sizeof *v);
        if (!v)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for upsets");
        s->up = v, s->cap_up = cap;
    }
    upset_t *u = &s->up[s->n_up++];
    memset(u, 0, sizeof *u);
    u->cycle = cycle, u->addr = addr;
    mask_bytes(u->mask, mask, s->bytes);
    return FTSA_OK;
}

ftsa_status_t ftsa_hwm_fault_rd(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint32_t bit, double p,
                                uint64_t seed, ftsa_err_t *err)
{
    ftsa_status_t st = check_word(m, mem, addr, err);
    sram_t *s = &m->mem[mem];
    if (st || (st = mark_timed(s, addr, err)))
        return st;
    if (bit >= s->bytes * 8)
        return ftsa_fail(err, FTSA_E_INVALID, "bit %u beyond memory %u's %u-bit words", bit, mem,
                         s->bytes * 8);
    if (s->n_rd == s->cap_rd) {
        size_t cap = s->cap_rd ? 2 * s->cap_rd : 16;
        disturb_t *v = realloc(s->rd, cap * sizeof *v);
        if (!v)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for read-disturb cells");
        s->rd = v, s->cap_rd = cap;
    }
    s->rd[s->n_rd++] = (disturb_t){addr, bit, p, seed};
    return FTSA_OK;
}

/* Upsets of word addr due before an access at `cycle`: a read sees those of
 * earlier cycles; a write overwrites them and those of its own cycle. */
static void settle_upsets(sram_t *s, uint32_t addr, uint64_t cycle, int we)
{
    uint8_t *w = s->data + (size_t)addr * s->bytes;
    for (size_t i = 0; i < s->n_up; i++) {
        upset_t *u = &s->up[i];
        if (u->done || u->addr != addr || u->cycle > cycle || (u->cycle == cycle && !we))
            continue;
        if (!we)
            for (uint32_t b = 0; b < s->bytes; b++)
                w[b] ^= u->mask[b];
        u->done = 1;
    }
}

static void sram_read_slow(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out);

/* A read: the stored word through the word's faults at `cycle`. */
static inline void sram_read(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out)
{
    sram_t *s = &m->mem[mem];
    if (!m->trace && !s->masked && !s->timed) { /* the common case: a plain copy */
        copy_word(out, s->data + (size_t)(addr & (s->depth - 1)) * s->bytes, s->bytes);
        return;
    }
    sram_read_slow(m, mem, addr, cycle, out);
}

static void sram_read_slow(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out)
{
    sram_t *s = &m->mem[mem];
    addr &= s->depth - 1;
    if (m->trace)
        ftsa_trace_add(m->trace, cycle, mem, 0, addr);
    if (s->timed && s->timed[addr])
        settle_upsets(s, addr, cycle, 0);
    size_t o = (size_t)addr * s->bytes;
    uint8_t *dst = out;
    copy_word(dst, s->data + o, s->bytes);
    if (s->masked && s->masked[addr])
        for (uint32_t b = 0; b < s->bytes; b++)
            dst[b] = (uint8_t)(((dst[b] & ~s->sa0[o + b]) | s->sa1[o + b]) ^ s->flip[o + b]);
    if (s->timed && s->timed[addr])
        for (size_t i = 0; i < s->n_rd; i++) {
            const disturb_t *d = &s->rd[i];
            if (d->addr == addr && ftsa_fault_rd_draw(d->seed, mem, addr, d->bit, cycle, d->p))
                dst[d->bit / 8] ^= (uint8_t)(1u << (d->bit % 8));
        }
}

static void sram_write(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, const void *in)
{
    sram_t *s = &m->mem[mem];
    addr &= s->depth - 1;
    if (m->trace)
        ftsa_trace_add(m->trace, cycle, mem, 1, addr);
    if (s->timed && s->timed[addr])
        settle_upsets(s, addr, cycle, 1);
    copy_word(s->data + (size_t)addr * s->bytes, in, s->bytes);
}

/* At the end of a run: upsets before its last cycle flip stored bits; later
 * ones are dropped (a run's upsets belong to that run). */
static void finish_upsets(ftsa_hwm_t *m)
{
    for (int i = 0; i < N_MEMS; i++) {
        sram_t *s = &m->mem[i];
        for (size_t k = 0; k < s->n_up; k++) {
            upset_t *u = &s->up[k];
            if (!u->done && u->cycle < m->run_cycles)
                for (uint32_t b = 0; b < s->bytes; b++)
                    s->data[(size_t)u->addr * s->bytes + b] ^= u->mask[b];
            u->done = 0; /* armed again for the next run */
        }
    }
}

/* ------------------------------------------------------------ host memory */

static uint32_t host_u32(ftsa_hwm_t *m, uint32_t addr)
{
    if (addr % 4 || (size_t)addr + 4 > m->host_bytes) {
        m->host_bad++, m->host_bad_addr = addr;
        return 0;
    }
    const uint8_t *p = m->host + addr;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void host_put(ftsa_hwm_t *m, uint32_t addr, uint32_t v)
{
    if (addr % 4 || (size_t)addr + 4 > m->host_bytes) {
        m->host_bad++, m->host_bad_addr = addr;
        return;
    }
    for (int i = 0; i < 4; i++)
        m->host[addr + i] = (uint8_t)(v >> (8 * i));
}

/* ------------------------------------------------------------------ commands */

/* Timing state of a run (run cycles). */
typedef struct {
    uint64_t busy_end;     /* last cycle any datapath unit is busy */
    uint64_t feeder_free;  /* first cycle the feeder accepts a pass */
    uint64_t hold_free[2]; /* first cycle no position uses weight buffer b */
} timing_t;

static uint32_t field(uint32_t a, uint32_t lsb, uint32_t width)
{
    return (a >> lsb) & ((1u << width) - 1u);
}

/* DMA starting in cycle s (the controller's first DMA cycle); returns the
 * cycle of the next FETCH0. */
static uint64_t run_dma(ftsa_hwm_t *m, uint64_t s, int store, uint32_t a, uint32_t host)
{
    uint32_t mem = field(a, FTSA_HW_FLD_MEM, FTSA_HW_WID_MEM - 1);
    uint32_t count = field(a, FTSA_HW_FLD_COUNT, FTSA_HW_WID_COUNT);
    uint32_t n = m->n;
    uint32_t beats = mem == FTSA_HW_MEM_PAR ? 3 : mem == FTSA_HW_MEM_ACC ? n : n / 4;
    uint32_t sram = m->regs[FTSA_HW_REG_DMA_SRAM];
    if (count == 0)
        return s + 2;
    uint8_t word[4 * MAX_WORD];
    if (!store) {
        /* beats requested from s + 1, answered a cycle later; word j written
         * in the cycle after its last beat arrives */
        for (uint32_t j = 0; j < count; j++) {
            for (uint32_t b = 0; b < beats; b++) {
                uint32_t v = host_u32(m, host + 4 * (j * beats + b));
                for (int i = 0; i < 4; i++)
                    word[4 * b + i] = (uint8_t)(v >> (8 * i));
            }
            if (mem < N_MEMS)
                sram_write(m, mem, (sram + j) & 0xffffu, s + 2 + (uint64_t)(j + 1) * beats, word);
        }
        return s + 4 + (uint64_t)count * beats;
    }
    /* store: per word READ, LATCH, then one host write per beat */
    for (uint32_t j = 0; j < count; j++) {
        memset(word, 0, sizeof word);
        if (mem < N_MEMS)
            sram_read(m, mem, (sram + j) & 0xffffu, s + 1 + (uint64_t)j * (2 + beats), word);
        for (uint32_t b = 0; b < beats; b++)
            host_put(m, host + 4 * (j * beats + b),
                     (uint32_t)word[4 * b] | (uint32_t)word[4 * b + 1] << 8 |
                         (uint32_t)word[4 * b + 2] << 16 | (uint32_t)word[4 * b + 3] << 24);
    }
    return s + 2 + (uint64_t)count * (2 + beats);
}

/* POSTCFG for output channel tile t, STPOST from cycle s; next FETCH0. */
static uint64_t run_postcfg(ftsa_hwm_t *m, uint64_t s, uint32_t t)
{
    uint32_t n = m->n;
    uint8_t w[MAX_WORD];
    sram_read(m, FTSA_HW_MEM_THR, (uint16_t)(m->regs[FTSA_HW_REG_THR_BASE] + (t & 0xffff)), s, w);
    memcpy(m->thr_ch, w, n);
    for (uint32_t c = 0; c < n; c++) {
        uint32_t addr = (uint32_t)m->regs[FTSA_HW_REG_PAR_BASE] + (t & 0xffff) * n + c;
        sram_read(m, FTSA_HW_MEM_PAR, addr & 0xffffu, s + c, w);
        memcpy(&m->lane_bias[c], w, 4);
        memcpy(&m->lane_mult[c], w + 4, 4);
        m->lane_shift[c] = w[8];
    }
    return s + n + 1;
}

/* The RTL's requantizer reads the shift as a byte: positive values use their
 * low five bits as a left shift, others (zero and negative) a right shift of
 * (-shift) mod 32 (rtl/ftsa_requant.v). */
static int8_t requant_hw(int32_t acc, int32_t mult, uint8_t shift, int8_t zp)
{
    int pos = !(shift & 0x80) && shift != 0;
    int sh = pos ? (shift & 31) : -(int)((32u - (shift & 31u)) & 31u);
    return ftsa_requantize(acc, mult, sh, zp);
}

/* Post-processing of one position: lanes -> act word. */
static void post_word(ftsa_hwm_t *m, const int32_t *total, const int8_t *thr_neuron, int8_t *out)
{
    uint32_t mode = m->regs[FTSA_HW_REG_ACT] & 3u, src = m->regs[FTSA_HW_REG_THR_SRC] & 3u;
    int8_t zp = (int8_t)m->regs[FTSA_HW_REG_OUT_ZP];
    int8_t thr_layer = (int8_t)m->regs[FTSA_HW_REG_THR_LAYER];
    for (uint32_t c = 0; c < m->n; c++) {
        int8_t q = requant_hw(ftsa_wrap_add(total[c], m->lane_bias[c]), m->lane_mult[c],
                              m->lane_shift[c], zp);
        int8_t thr = src == 1 ? m->thr_ch[c] : src == 2 ? thr_neuron[c] : thr_layer;
        out[c] = ftsa_activate(q, (ftsa_act_mode_t)mode, zp, thr);
    }
}

/* The feeder's window after a read of `word` (rtl/ftsa_feeder.v): every slot
 * shifts down one, slot N-1 and slot G-1 take the new word. */
static int8_t *win_slot(ftsa_hwm_t *m, uint32_t g)
{
    uint32_t k = m->win_base + g;
    return m->win + (size_t)(k >= m->n ? k - m->n : k) * m->n;
}

static void window_push(ftsa_hwm_t *m, const int8_t *word, uint32_t taps_g)
{
    uint32_t n = m->n;
    m->win_base = m->win_base + 1 == n ? 0 : m->win_base + 1;
    copy_word(win_slot(m, n - 1), word, n);
    if (taps_g >= 1 && taps_g - 1 < n - 1)
        copy_word(win_slot(m, taps_g - 1), word, n);
}

/* Array input of one position for tap-packing mode `pack`. */
static void array_input(ftsa_hwm_t *m, const int8_t *word, uint32_t pack, int8_t *a)
{
    uint32_t n = m->n, pack_w = 1;
    while ((1u << (pack_w - 1)) < n)
        pack_w++; /* log2(N) + 1 */
    if (pack == 0 || pack > pack_w) {
        copy_word(a, word, n);
        return;
    }
    uint32_t cp = 1u << (pack - 1);
    for (uint32_t r = 0; r < n; r++)
        a[r] = win_slot(m, r / cp)[r % cp];
}

/* Column sums of one position: sum[c] = sum_r a[r] * w[r][c]. */
static inline void mac_n(const int8_t *a, const int8_t *w, int32_t *sum, uint32_t n)
{
    for (uint32_t c = 0; c < n; c++)
        sum[c] = 0;
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t c = 0; c < n; c++)
            sum[c] += (int32_t)a[r] * w[r * n + c];
}

static void mac(const int8_t *a, const int8_t *w, int32_t *sum, uint32_t n)
{
    switch (n) { /* constant sides vectorize */
    case 8: mac_n(a, w, sum, 8); break;
    case 16: mac_n(a, w, sum, 16); break;
    default: mac_n(a, w, sum, n); break;
    }
}

/* One PASS whose feeder starts reading at cycle p + 1.  Returns the number
 * of feeder reads. */
static uint32_t run_pass(ftsa_hwm_t *m, uint64_t p, uint32_t a, uint32_t b, const int8_t *w)
{
    const uint16_t *R = m->regs;
    uint32_t n = m->n;
    uint32_t ky = field(a, FTSA_HW_FLD_KY, FTSA_HW_WID_KY), kx = field(a, FTSA_HW_FLD_KX, FTSA_HW_WID_KX);
    int first = (int)field(a, FTSA_HW_FLD_FIRST, 1), last = (int)field(a, FTSA_HW_FLD_LAST, 1);
    uint32_t ctile = field(a, FTSA_HW_FLD_CTILE, FTSA_HW_WID_CTILE), octile = b >> 16;
    uint32_t src = R[FTSA_HW_REG_SRC] & 1u;
    uint32_t act_src = src ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0;
    uint32_t act_dst = src ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1;
    uint32_t pack = R[FTSA_HW_REG_PACK] & 15u, g = R[FTSA_HW_REG_PACK_G] & 0xffu;
    uint16_t taps = pack ? (uint16_t)g : 1;
    uint16_t rx_last = (uint16_t)(R[FTSA_HW_REG_OUT_W] + taps - 2);
    uint32_t row_reads = (uint32_t)rx_last + 1;
    int32_t stride = R[FTSA_HW_REG_STRIDE] & 15, pad = R[FTSA_HW_REG_PAD] & 15;
    int32_t in_h = R[FTSA_HW_REG_IN_H], in_w = R[FTSA_HW_REG_IN_W];
    int thr_neuron = (R[FTSA_HW_REG_THR_SRC] & 3u) == 2;
    int8_t zp = (int8_t)R[FTSA_HW_REG_IN_ZP];
    uint64_t lat = 2 * (uint64_t)n - 1;
    int8_t word[MAX_WORD], av[MAX_WORD], thr[MAX_WORD], out[MAX_WORD];
    int32_t acc[16], sum[16];
    uint16_t pos = 0;
    uint32_t reads = 0;
    for (uint16_t oy = R[FTSA_HW_REG_ROW0]; ; oy++) {
        for (uint32_t rx = 0; rx < row_reads; rx++, reads++) {
            uint64_t rc = p + 1 + reads;
            int32_t iy = (int32_t)oy * stride + (int32_t)ky - pad;
            int32_t ix = (int32_t)rx * stride + (int32_t)kx - pad;
            if (iy >= 0 && ix >= 0 && iy < in_h && ix < in_w) {
                uint16_t pix = (uint16_t)((uint32_t)iy * (uint32_t)in_w + (uint32_t)ix);
                uint16_t addr = (uint16_t)((uint32_t)pix * R[FTSA_HW_REG_IN_CT] + ctile);
                sram_read(m, act_src, addr, rc, word);
            } else {
                memset(word, zp, n);
            }
            window_push(m, word, g);
            if (rx + 1 < taps)
                continue; /* priming read of a packed row */
            array_input(m, word, pack, av);
            mac(av, w, sum, n);
            uint64_t at = rc + 1 + lat; /* leaves the array */
            uint16_t ox = (uint16_t)(rx - (taps - 1u));
            uint16_t opix = (uint16_t)((uint32_t)oy * R[FTSA_HW_REG_OUT_W] + ox);
            uint16_t oaddr = (uint16_t)((uint32_t)opix * R[FTSA_HW_REG_OUT_CT] + octile);
            if (!first) {
                sram_read(m, FTSA_HW_MEM_ACC, pos, at, acc);
                for (uint32_t c = 0; c < n; c++)
                    sum[c] = ftsa_wrap_add(sum[c], acc[c]);
            }
            if (last) {
                if (thr_neuron)
                    sram_read(m, FTSA_HW_MEM_THR, (uint16_t)(R[FTSA_HW_REG_THR_BASE] + oaddr), at,
                              thr);
                post_word(m, sum, thr, out);
                sram_write(m, act_dst, oaddr, at + 2, out);
            } else {
                sram_write(m, FTSA_HW_MEM_ACC, pos, at + 1, sum);
            }
            pos++;
        }
        if (oy == (uint16_t)(R[FTSA_HW_REG_ROW0] + R[FTSA_HW_REG_ROWS] - 1u))
            break;
    }
    return reads;
}

/* The average-pool unit's output (rtl/ftsa_rounded_mean.v): the TFLite mean,
 * clamped to int8.  A sum of at most 65,535 int8 values cannot overflow. */
static int8_t mean_hw(int32_t sum, uint32_t count)
{
    if (!count)
        return 0; /* the RTL divides by zero: AVG_N = 0 is never compiled */
    int32_t v = ftsa_rounded_mean(sum, (int32_t)count);
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/* MAXPOOL / AVGPOOL with the pool engine reading from cycle s; returns the
 * number of reads. */
static uint64_t run_pool(ftsa_hwm_t *m, uint64_t s, int avg)
{
    const uint16_t *R = m->regs;
    uint32_t n = m->n;
    uint32_t src = R[FTSA_HW_REG_SRC] & 1u;
    uint32_t mem_src = src ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0;
    uint32_t mem_dst = src ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1;
    uint32_t in_w = R[FTSA_HW_REG_IN_W], in_ct = R[FTSA_HW_REG_IN_CT];
    uint32_t kh = R[FTSA_HW_REG_POOL_KH] & 15u, kw = R[FTSA_HW_REG_POOL_KW] & 15u;
    uint32_t stride = R[FTSA_HW_REG_STRIDE] & 15u, avg_n = R[FTSA_HW_REG_AVG_N];
    int8_t v[MAX_WORD], best[MAX_WORD];
    int32_t sum[16];
    uint64_t reads = 0;
    if (avg) {
        for (uint16_t ct = 0; ; ct++) {
            for (uint16_t q = 0; ; q++) {
                sram_read(m, mem_src, (uint16_t)((uint32_t)q * in_ct + ct), s + reads++, v);
                for (uint32_t c = 0; c < n; c++)
                    sum[c] = q == 0 ? v[c] : ftsa_wrap_add(sum[c], v[c]);
                if (q == (uint16_t)(avg_n - 1u))
                    break;
            }
            for (uint32_t c = 0; c < n; c++)
                best[c] = mean_hw(sum[c], avg_n);
            sram_write(m, mem_dst, ct, s + reads, best);
            if (ct == (uint16_t)(in_ct - 1u))
                break;
        }
        return reads;
    }
    uint32_t out_h = R[FTSA_HW_REG_OUT_H], out_w = R[FTSA_HW_REG_OUT_W];
    for (uint16_t oy = 0; ; oy++) {
        for (uint16_t ox = 0; ; ox++) {
            for (uint16_t ct = 0; ; ct++) {
                for (uint32_t ky = 0; ky < (kh ? kh : 16); ky++)
                    for (uint32_t kx = 0; kx < (kw ? kw : 16); kx++) {
                        uint32_t iy = (uint32_t)oy * stride + ky, ix = (uint32_t)ox * stride + kx;
                        uint16_t pix = (uint16_t)((iy & 0xffffu) * in_w + ix);
                        sram_read(m, mem_src, (uint16_t)((uint32_t)pix * in_ct + ct), s + reads++, v);
                        for (uint32_t c = 0; c < n; c++)
                            if ((ky == 0 && kx == 0) || v[c] > best[c])
                                best[c] = v[c];
                    }
                uint16_t opix = (uint16_t)((uint32_t)oy * out_w + ox);
                sram_write(m, mem_dst, (uint16_t)((uint32_t)opix * in_ct + ct), s + reads, best);
                if (ct == (uint16_t)(in_ct - 1u))
                    break;
            }
            if (ox == (uint16_t)(out_w - 1u))
                break;
        }
        if (oy == (uint16_t)(out_h - 1u))
            break;
    }
    return reads;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

ftsa_status_t ftsa_hwm_run(ftsa_hwm_t *m, uint8_t *host, size_t host_bytes, uint32_t cmdq,
                           ftsa_err_t *err)
{
    uint32_t n = m->n;
    m->host = host, m->host_bytes = host_bytes, m->host_bad = 0;
    if (m->trace)
        ftsa_trace_clear(m->trace);
    timing_t tm = {0};
    uint64_t t = 0; /* FETCH0 of the next command */
    uint32_t pc = cmdq, index = 0;
    uint32_t w0 = 0, w1 = 0;
    int fetched = 0; /* the next command was prefetched during a PASS */
    uint64_t e = 0;
    ftsa_status_t st = FTSA_OK;
    for (;; index++) {
        if (!fetched) {
            w0 = host_u32(m, pc), w1 = host_u32(m, pc + 4);
            e = t + 3;
            pc += 8;
        }
        fetched = 0;
        uint32_t op = w0 & 0xffu, a = w0 >> 8;
        if (op != FTSA_HW_OP_PASS)
            e = max_u64(e, tm.busy_end + 1); /* wait for the pipeline to drain */
        if (m->trace)
            ftsa_trace_mark(m->trace, e, index, w0, w1);
        if (m->host_bad)
            break;
        if (op == FTSA_HW_OP_END) {
            m->run_cycles = e + 2;
            break;
        }
        switch (op) {
        case FTSA_HW_OP_SET:
            m->regs[a & (N_REGS - 1)] = (uint16_t)w1;
            t = e + 1;
            break;
        case FTSA_HW_OP_DMA_LOAD:
        case FTSA_HW_OP_DMA_STORE:
            t = run_dma(m, e + 1, op == FTSA_HW_OP_DMA_STORE, a, w1);
            break;
        case FTSA_HW_OP_PASS: {
            /* weight rows read at l0 + r into the idle buffer */
            uint64_t l0 = max_u64(e, tm.hold_free[m->load_sel]) + 1;
            int8_t *buf = m->pe_w[m->load_sel];
            for (uint32_t r = 0; r < n; r++)
                sram_read(m, FTSA_HW_MEM_WGT, (uint16_t)((w1 & 0xffffu) + r), l0 + r, buf + r * n);
            /* the next command is fetched during the load */
            uint32_t nw0 = host_u32(m, pc), nw1 = host_u32(m, pc + 4);
            uint64_t p = max_u64(l0 + n + 1, tm.feeder_free);
            uint32_t reads = run_pass(m, p, a, w1, buf);
            uint64_t v_last = p + reads + 1;
            tm.feeder_free = p + reads + 1;
            tm.hold_free[m->load_sel] = v_last + n + 1;
            /* the accumulator's write-back (a + 1) or post-processing (a + 2) */
            tm.busy_end = max_u64(tm.busy_end,
                                  p + reads + 2 * n + 1 + field(a, FTSA_HW_FLD_LAST, 1));
            m->load_sel ^= 1;
            pc += 8;
            w0 = nw0, w1 = nw1, e = p + 1, fetched = 1;
            break;
        }
        case FTSA_HW_OP_POSTCFG:
            t = run_postcfg(m, e + 1, a & 0xffffu);
            break;
        case FTSA_HW_OP_MAXPOOL:
        case FTSA_HW_OP_AVGPOOL: {
            uint64_t reads = run_pool(m, e + 2, op == FTSA_HW_OP_AVGPOOL);
            t = e + 4 + reads;
            break;
        }
        case FTSA_HW_OP_STAMP:
            host_put(m, w1, (uint32_t)(m->clock0 + e + 1));
            t = e + 2;
            break;
        case FTSA_HW_OP_SYNC:
            t = e + 1;
            break;
        default:
            st = ftsa_fail(err, FTSA_E_BACKEND, "C model stopped on unknown opcode 0x%02x", op);
            break;
        }
        if (st || m->host_bad)
            break;
    }
    if (!st && m->host_bad)
        st = ftsa_fail(err, FTSA_E_BACKEND, "%d host-memory accesses out of range (last at 0x%08x)",
                       m->host_bad, m->host_bad_addr);
    finish_upsets(m);
    if (!st && m->trace)
        st = ftsa_trace_finish(m->trace, err);
    return st;
}

uint64_t ftsa_hwm_run_cycles(const ftsa_hwm_t *m)
{
    return m->run_cycles;
}

void ftsa_hwm_set_clock(ftsa_hwm_t *m, uint64_t cycles_at_start)
{
    m->clock0 = cycles_at_start;
}

void ftsa_hwm_set_trace(ftsa_hwm_t *m, ftsa_trace_t *t)
{
    m->trace = t;
}
