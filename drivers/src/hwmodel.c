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
#if defined(__AVX2__)
#include <immintrin.h>
#endif

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
    int16_t *pe_w[2];  /* array weight buffers in mac's layout (weight_index) */
    int32_t lane_bias[16], lane_mult[16];
    int32_t lane_sh[16]; /* shifts as ftsa_requantize takes them */
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
    ok &= !!(m->pe_w[0] = calloc(n * n, 2)) && !!(m->pe_w[1] = calloc(n * n, 2));
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

/* The word's stuck-at and flip masks applied to a read. */
static void apply_masks(const sram_t *s, uint32_t addr, uint8_t *dst)
{
    size_t o = (size_t)addr * s->bytes;
    for (uint32_t b = 0; b < s->bytes; b++)
        dst[b] = (uint8_t)(((dst[b] & ~s->sa0[o + b]) | s->sa1[o + b]) ^ s->flip[o + b]);
}

static void sram_read_slow(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out);

/* A read: the stored word through the word's faults at `cycle`. */
static inline void sram_read(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out)
{
    sram_t *s = &m->mem[mem];
    addr &= s->depth - 1;
    if (m->trace || (s->timed && s->timed[addr])) {
        sram_read_slow(m, mem, addr, cycle, out);
        return;
    }
    copy_word(out, s->data + (size_t)addr * s->bytes, s->bytes); /* a copy, masked on a few words */
    if (s->masked && s->masked[addr])
        apply_masks(s, addr, out);
}

static void sram_read_slow(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint64_t cycle, void *out)
{
    sram_t *s = &m->mem[mem];
    addr &= s->depth - 1;
    if (m->trace)
        ftsa_trace_add(m->trace, cycle, mem, 0, addr);
    if (s->timed && s->timed[addr])
        settle_upsets(s, addr, cycle, 0);
    uint8_t *dst = out;
    copy_word(dst, s->data + (size_t)addr * s->bytes, s->bytes);
    if (s->masked && s->masked[addr])
        apply_masks(s, addr, dst);
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

/* One memory as a loop over a command's accesses sees it: when no trace is
 * taken and no fault can act on the access kind, accesses are plain loads
 * and stores, decided once per command instead of per access. */
typedef struct {
    uint32_t mem, mask, bytes; /* mask: depth - 1 */
    uint8_t *data;
    int plain;
} port_t;

static port_t port(const ftsa_hwm_t *m, uint32_t mem, int we)
{
    const sram_t *s = &m->mem[mem];
    int plain = !m->trace && !s->timed && (we || !s->masked);
    return (port_t){mem, s->depth - 1, s->bytes, s->data, plain};
}

/* Word addr as read at `cycle`: in memory, or through sram_read into buf.
 * bytes is the memory's word width, a constant where the loop knows it. */
static inline const void *port_read(ftsa_hwm_t *m, const port_t *p, uint32_t addr, uint64_t cycle,
                                    void *buf, uint32_t bytes)
{
    if (p->plain)
        return p->data + (size_t)(addr & p->mask) * bytes;
    sram_read(m, p->mem, addr, cycle, buf);
    return buf;
}

static inline void port_write(ftsa_hwm_t *m, const port_t *p, uint32_t addr, uint64_t cycle,
                              const void *in, uint32_t bytes)
{
    if (p->plain)
        memcpy(p->data + (size_t)(addr & p->mask) * bytes, in, bytes);
    else
        sram_write(m, p->mem, addr, cycle, in);
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

/* Host bytes [addr, addr + len) when word aligned and in range, else NULL. */
static uint8_t *host_span(ftsa_hwm_t *m, uint32_t addr, uint64_t len)
{
    return addr % 4 || (uint64_t)addr + len > m->host_bytes ? NULL : m->host + addr;
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

/* The SRAM access of word j of a DMA starting in cycle s.  Load: beats
 * requested from s + 1, answered a cycle later; word j written in the cycle
 * after its last beat arrives.  Store: per word READ, LATCH, then one host
 * write per beat. */
static uint64_t dma_word_cycle(uint64_t s, int store, uint32_t j, uint32_t beats)
{
    return store ? s + 1 + (uint64_t)j * (2 + beats) : s + 2 + (uint64_t)(j + 1) * beats;
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
    uint64_t next = store ? s + 2 + (uint64_t)count * (2 + beats) : s + 4 + (uint64_t)count * beats;
    uint8_t word[4 * MAX_WORD];
    uint32_t bytes = 4 * beats; /* the word's width: host words are its bytes, LSB first */
    uint8_t *span = host_span(m, host, (uint64_t)count * bytes);
    port_t pt = port(m, mem < N_MEMS ? mem : 0, !store);
    if (span && mem < N_MEMS && pt.plain) { /* runs of words up to the end of the memory */
        for (uint32_t j = 0, k; j < count; j += k, span += (size_t)k * bytes) {
            uint32_t w = (sram + j) & pt.mask; /* depth <= 65536 divides the 16-bit wrap */
            k = count - j < pt.mask + 1 - w ? count - j : pt.mask + 1 - w;
            uint8_t *d = pt.data + (size_t)w * bytes;
            memcpy(store ? span : d, store ? d : span, (size_t)k * bytes);
        }
        return next;
    }
    if (span && mem < N_MEMS) { /* whole words */
        for (uint32_t j = 0; j < count; j++, span += bytes) {
            uint32_t addr = (sram + j) & 0xffffu;
            uint64_t cycle = dma_word_cycle(s, store, j, beats);
            if (store)
                memcpy(span, port_read(m, &pt, addr, cycle, word, bytes), bytes);
            else
                port_write(m, &pt, addr, cycle, span, bytes);
        }
        return next;
    }
    /* beat by beat, so that an access out of range is reported as the RTL does */
    if (!store) {
        for (uint32_t j = 0; j < count; j++) {
            for (uint32_t b = 0; b < beats; b++) {
                uint32_t v = host_u32(m, host + 4 * (j * beats + b));
                for (int i = 0; i < 4; i++)
                    word[4 * b + i] = (uint8_t)(v >> (8 * i));
            }
            if (mem < N_MEMS)
                sram_write(m, mem, (sram + j) & 0xffffu, dma_word_cycle(s, 0, j, beats), word);
        }
        return next;
    }
    for (uint32_t j = 0; j < count; j++) {
        memset(word, 0, sizeof word);
        if (mem < N_MEMS)
            sram_read(m, mem, (sram + j) & 0xffffu, dma_word_cycle(s, 1, j, beats), word);
        for (uint32_t b = 0; b < beats; b++)
            host_put(m, host + 4 * (j * beats + b),
                     (uint32_t)word[4 * b] | (uint32_t)word[4 * b + 1] << 8 |
                         (uint32_t)word[4 * b + 2] << 16 | (uint32_t)word[4 * b + 3] << 24);
    }
    return next;
}

/* The RTL's requantizer reads the shift as a byte: positive values use their
 * low five bits as a left shift, others (zero and negative) a right shift of
 * (-shift) mod 32 (rtl/ftsa_requant.v).  Returns the shift ftsa_requantize takes. */
static int32_t requant_shift_hw(uint8_t shift)
{
    int pos = !(shift & 0x80) && shift != 0;
    return pos ? (shift & 31) : -(int32_t)((32u - (shift & 31u)) & 31u);
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
        m->lane_sh[c] = requant_shift_hw(w[8]);
    }
    return s + n + 1;
}

/* The feeder's tap-packing window (rtl/ftsa_feeder.v), held in locals
 * during a pass: slot k is v[(base + k) mod N]. */
typedef struct {
    int8_t *v;
    uint32_t base;
} window_t;

static inline int8_t *win_slot(const window_t *w, uint32_t k, uint32_t n)
{
    uint32_t i = w->base + k;
    return w->v + (size_t)(i >= n ? i - n : i) * n;
}

/* After a read of `word` every slot shifts down one; slot N-1 and slot G-1
 * take the new word. */
static inline void window_push(window_t *w, const int8_t *word, uint32_t taps_g, uint32_t n)
{
    w->base = w->base + 1 == n ? 0 : w->base + 1;
    memcpy(win_slot(w, n - 1, n), word, n);
    if (taps_g >= 1 && taps_g - 1 < n - 1)
        memcpy(win_slot(w, taps_g - 1, n), word, n);
}

/* A pass's settings, decoded once from its command and the registers. */
typedef struct {
    uint32_t ky, kx, ctile, octile;
    int first, last;
    uint32_t act_src, act_dst;
    uint32_t g, taps, row_reads;
    uint32_t cp_log; /* packed: array row r takes byte r % cp of window slot r / cp */
    int packed;
    int32_t stride, pad, in_h, in_w;
    uint32_t in_ct, out_w, out_ct, row0, rows, thr_base;
    int thr_neuron;
    int8_t in_zp;
    /* post-processing (last input tile) */
    uint32_t act_mode;
    int8_t out_zp;
    int8_t thr[16]; /* per lane, unless per neuron */
    port_t src, acc_rd, acc_wr, thr_rd, dst;
} pass_t;

static inline void pass_decode(ftsa_hwm_t *m, uint32_t a, uint32_t b, pass_t *ps)
{
    const uint16_t *R = m->regs;
    uint32_t n = m->n;
    ps->ky = field(a, FTSA_HW_FLD_KY, FTSA_HW_WID_KY);
    ps->kx = field(a, FTSA_HW_FLD_KX, FTSA_HW_WID_KX);
    ps->first = (int)field(a, FTSA_HW_FLD_FIRST, 1), ps->last = (int)field(a, FTSA_HW_FLD_LAST, 1);
    ps->ctile = field(a, FTSA_HW_FLD_CTILE, FTSA_HW_WID_CTILE), ps->octile = b >> 16;
    uint32_t src = R[FTSA_HW_REG_SRC] & 1u;
    ps->act_src = src ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0;
    ps->act_dst = src ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1;
    uint32_t pack = R[FTSA_HW_REG_PACK] & 15u, pack_w = 1;
    while ((1u << (pack_w - 1)) < n)
        pack_w++; /* log2(N) + 1 */
    ps->g = R[FTSA_HW_REG_PACK_G] & 0xffu;
    ps->taps = pack ? (uint16_t)ps->g : 1;
    ps->row_reads = (uint32_t)(uint16_t)(R[FTSA_HW_REG_OUT_W] + ps->taps - 2) + 1;
    ps->packed = pack != 0 && pack <= pack_w;
    ps->cp_log = ps->packed ? pack - 1 : 0;
    ps->stride = R[FTSA_HW_REG_STRIDE] & 15, ps->pad = R[FTSA_HW_REG_PAD] & 15;
    ps->in_h = R[FTSA_HW_REG_IN_H], ps->in_w = R[FTSA_HW_REG_IN_W];
    ps->in_ct = R[FTSA_HW_REG_IN_CT], ps->out_w = R[FTSA_HW_REG_OUT_W];
    ps->out_ct = R[FTSA_HW_REG_OUT_CT], ps->thr_base = R[FTSA_HW_REG_THR_BASE];
    ps->row0 = R[FTSA_HW_REG_ROW0], ps->rows = R[FTSA_HW_REG_ROWS];
    uint32_t thr_src = R[FTSA_HW_REG_THR_SRC] & 3u;
    ps->thr_neuron = thr_src == 2;
    ps->in_zp = (int8_t)R[FTSA_HW_REG_IN_ZP];
    ps->act_mode = R[FTSA_HW_REG_ACT] & 3u;
    ps->out_zp = (int8_t)R[FTSA_HW_REG_OUT_ZP];
    for (uint32_t c = 0; c < n; c++)
        ps->thr[c] = thr_src == 1 ? m->thr_ch[c] : (int8_t)R[FTSA_HW_REG_THR_LAYER];
    ps->src = port(m, ps->act_src, 0), ps->dst = port(m, ps->act_dst, 1);
    ps->acc_rd = port(m, FTSA_HW_MEM_ACC, 0), ps->acc_wr = port(m, FTSA_HW_MEM_ACC, 1);
    ps->thr_rd = port(m, FTSA_HW_MEM_THR, 0);
}

/* Array input of one position: the read word, or rows gathered from the
 * tap-packing window. */
static inline const int8_t *array_input(const window_t *win, const pass_t *ps,
                                        const int8_t *word, int8_t *a, uint32_t n)
{
    if (!ps->packed)
        return word;
    uint32_t cp_mask = (1u << ps->cp_log) - 1u;
    uint64_t v[2] = {0, 0}; /* gathered in registers: one store, which mac's load can forward */
    for (uint32_t r = 0; r < n; r++) {
        uint8_t x = (uint8_t)win_slot(win, r >> ps->cp_log, n)[r & cp_mask];
        v[r / 8] |= (uint64_t)x << (8 * (r % 8));
    }
    memcpy(a, v, n);
    return a;
}

/* The array's weights as mac takes them: int16, rows paired, so that
 * w[r][c] and w[r+1][c] (r even) are adjacent. */
static inline uint32_t weight_index(uint32_t r, uint32_t c, uint32_t n)
{
    return (r / 2) * 2 * n + 2 * c + r % 2;
}

/* Column sums of one position: sum[c] = sum_r a[r] * w[r][c].  n is a
 * constant at each call site; with AVX2 a pair of rows is one multiply-add
 * of 16-bit lanes (products of int8 and their pair sums fit). */
static inline void mac(const int8_t *a, const int16_t *w, int32_t *sum, uint32_t n)
{
#if defined(__AVX2__)
    if (n == 8 || n == 16) {
        for (uint32_t h = 0; h < n / 8; h++) { /* a[8h .. 8h+7]: four row pairs */
            const __m128i *a8 = (const __m128i *)(const void *)(a + 8 * h);
            __m256i av = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(_mm_loadl_epi64(a8)));
            __m256i pr[4] = {_mm256_shuffle_epi32(av, 0x00), _mm256_shuffle_epi32(av, 0x55),
                             _mm256_shuffle_epi32(av, 0xaa), _mm256_shuffle_epi32(av, 0xff)};
            for (uint32_t g = 0; g < n / 8; g++) { /* columns 8g .. 8g+7 */
                __m256i s = h ? _mm256_loadu_si256((const __m256i *)(const void *)(sum + 8 * g))
                              : _mm256_setzero_si256();
                for (uint32_t k = 0; k < 4; k++) {
                    const void *wk = w + weight_index(8 * h + 2 * k, 8 * g, n);
                    __m256i wv = _mm256_loadu_si256((const __m256i *)wk);
                    s = _mm256_add_epi32(s, _mm256_madd_epi16(pr[k], wv));
                }
                _mm256_storeu_si256((__m256i *)(void *)(sum + 8 * g), s);
            }
        }
        return;
    }
#endif
    int32_t s[16] = {0};
    for (uint32_t r = 0; r < n; r += 2) {
        int32_t x0 = a[r], x1 = a[r + 1];
        for (uint32_t c = 0; c < n; c++)
            s[c] += x0 * w[weight_index(r, c, n)] + x1 * w[weight_index(r + 1, c, n)];
    }
    memcpy(sum, s, 4 * n);
}

/* Post-processing of one position: lanes -> act word. */
static inline void post_word(const ftsa_hwm_t *m, const pass_t *ps, const int32_t *total,
                             const int8_t *thr, int8_t *out, uint32_t n)
{
    int8_t q[16], zp = ps->out_zp;
    for (uint32_t c = 0; c < n; c++)
        q[c] = ftsa_requantize(ftsa_wrap_add(total[c], m->lane_bias[c]), m->lane_mult[c],
                               m->lane_sh[c], zp);
    for (uint32_t c = 0; c < n; c++)
        out[c] = ftsa_activate(q[c], (ftsa_act_mode_t)ps->act_mode, zp, thr[c]);
}

/* One PASS whose feeder starts reading at cycle p + 1, for an array side n
 * known at compile time (run_pass).  Returns the number of feeder reads.
 * Accesses to memories plain in this pass are direct; the others go through
 * sram_read / sram_write in the RTL's order. */
static inline uint32_t pass_n(ftsa_hwm_t *m, uint64_t p, uint32_t a, uint32_t b,
                              const int16_t *w, const uint32_t n)
{
    pass_t ps; /* a local: stores to SRAM words cannot alias it */
    pass_decode(m, a, b, &ps);
    uint64_t lat = 2 * (uint64_t)n - 1;
    window_t win = {m->win, m->win_base};
    int8_t zword[16], av[16], out[16];
    int8_t buf[MAX_WORD]; /* a word read through sram_read, used up before the next read */
    int32_t acc[16], sum[16];
    memset(zword, ps.in_zp, sizeof zword);
    uint16_t pos = 0;
    uint32_t reads = 0;
    for (uint16_t oy = (uint16_t)ps.row0; ; oy++) {
        int32_t iy = (int32_t)oy * ps.stride + (int32_t)ps.ky - ps.pad;
        int row_in = iy >= 0 && iy < ps.in_h;
        for (uint32_t rx = 0; rx < ps.row_reads; rx++, reads++) {
            uint64_t rc = p + 1 + reads;
            int32_t ix = (int32_t)rx * ps.stride + (int32_t)ps.kx - ps.pad;
            const int8_t *word = zword;
            if (row_in && ix >= 0 && ix < ps.in_w) {
                uint16_t pix = (uint16_t)((uint32_t)iy * (uint32_t)ps.in_w + (uint32_t)ix);
                uint16_t addr = (uint16_t)((uint32_t)pix * ps.in_ct + ps.ctile);
                word = port_read(m, &ps.src, addr, rc, buf, n);
            }
            window_push(&win, word, ps.g, n);
            if (rx + 1 < ps.taps)
                continue; /* priming read of a packed row */
            mac(array_input(&win, &ps, word, av, n), w, sum, n);
            uint64_t at = rc + 1 + lat; /* leaves the array */
            uint16_t ox = (uint16_t)(rx - (ps.taps - 1u));
            uint16_t opix = (uint16_t)((uint32_t)oy * ps.out_w + ox);
            uint16_t oaddr = (uint16_t)((uint32_t)opix * ps.out_ct + ps.octile);
            if (!ps.first) {
                memcpy(acc, port_read(m, &ps.acc_rd, pos, at, buf, 4 * n), 4 * n);
                for (uint32_t c = 0; c < n; c++)
                    sum[c] = ftsa_wrap_add(sum[c], acc[c]);
            }
            if (ps.last) {
                const int8_t *thr = ps.thr;
                if (ps.thr_neuron)
                    thr = port_read(m, &ps.thr_rd, (uint16_t)(ps.thr_base + oaddr), at, buf, n);
                post_word(m, &ps, sum, thr, out, n);
                port_write(m, &ps.dst, oaddr, at + 2, out, n);
            } else {
                port_write(m, &ps.acc_wr, pos, at + 1, sum, 4 * n);
            }
            pos++;
        }
        if (oy == (uint16_t)(ps.row0 + ps.rows - 1u))
            break;
    }
    m->win_base = win.base;
    return reads;
}

/* One PASS (command words a, b) with weights w, feeder reading from p + 1;
 * returns the number of feeder reads. */
static uint32_t run_pass(ftsa_hwm_t *m, uint64_t p, uint32_t a, uint32_t b, const int16_t *w)
{
    switch (m->n) { /* the array sides ftsa_hwm_create accepts */
    case 4: return pass_n(m, p, a, b, w, 4);
    case 8: return pass_n(m, p, a, b, w, 8);
    default: return pass_n(m, p, a, b, w, 16);
    }
}

/* Weight rows (row-major int8) into mac's layout. */
static inline void pack_weights(const int8_t *rows, int16_t *buf, uint32_t n)
{
#if defined(__AVX2__)
    if (n == 8 || n == 16) {
        for (uint32_t r = 0; r < n; r += 2) { /* interleave rows r and r + 1, widen */
            __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(rows + r * n));
            __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(rows + (r + 1) * n));
            __m256i *dst = (__m256i *)(void *)(buf + weight_index(r, 0, n));
            _mm256_storeu_si256(dst, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(x0, x1)));
            if (n == 16)
                _mm256_storeu_si256(dst + 1, _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(x0, x1)));
        }
        return;
    }
#endif
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t c = 0; c < n; c++)
            buf[weight_index(r, c, n)] = rows[r * n + c];
}

/* The array's weight rows, read at l0 + r from word addr + r into buf. */
static inline void weights_n(ftsa_hwm_t *m, uint32_t addr, uint64_t l0, int16_t *buf,
                             const uint32_t n)
{
    port_t wgt = port(m, FTSA_HW_MEM_WGT, 0);
    int8_t row[MAX_WORD], rows[16 * 16 + 8]; /* + 8: N = 8 loads 16 bytes from a row */
    for (uint32_t r = 0; r < n; r++)
        memcpy(rows + r * n, port_read(m, &wgt, (uint16_t)(addr + r), l0 + r, row, n), n);
    pack_weights(rows, buf, n);
}

static void load_weights(ftsa_hwm_t *m, uint32_t addr, uint64_t l0, int16_t *buf)
{
    switch (m->n) {
    case 4: weights_n(m, addr, l0, buf, 4); break;
    case 8: weights_n(m, addr, l0, buf, 8); break;
    default: weights_n(m, addr, l0, buf, 16); break;
    }
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

/* MAXPOOL / AVGPOOL with the pool engine reading from cycle s, for an array
 * side n known at compile time (run_pool); returns the number of reads. */
static inline uint64_t pool_n(ftsa_hwm_t *m, uint64_t s, int avg, const uint32_t n)
{
    const uint16_t *R = m->regs;
    uint32_t src = R[FTSA_HW_REG_SRC] & 1u;
    port_t in = port(m, src ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0, 0);
    port_t out = port(m, src ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1, 1);
    uint32_t in_w = R[FTSA_HW_REG_IN_W], in_ct = R[FTSA_HW_REG_IN_CT];
    uint32_t kh = R[FTSA_HW_REG_POOL_KH] & 15u, kw = R[FTSA_HW_REG_POOL_KW] & 15u;
    uint32_t stride = R[FTSA_HW_REG_STRIDE] & 15u, avg_n = R[FTSA_HW_REG_AVG_N];
    int8_t buf[MAX_WORD], best[16] = {0};
    int32_t sum[16];
    uint64_t reads = 0;
    if (avg) {
        for (uint16_t ct = 0; ; ct++) {
            for (uint16_t q = 0; ; q++) {
                const int8_t *v = port_read(m, &in, (uint16_t)((uint32_t)q * in_ct + ct),
                                            s + reads++, buf, n);
                for (uint32_t c = 0; c < n; c++)
                    sum[c] = q == 0 ? v[c] : ftsa_wrap_add(sum[c], v[c]);
                if (q == (uint16_t)(avg_n - 1u))
                    break;
            }
            for (uint32_t c = 0; c < n; c++)
                best[c] = mean_hw(sum[c], avg_n);
            port_write(m, &out, ct, s + reads, best, n);
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
                        const int8_t *v = port_read(m, &in, (uint16_t)((uint32_t)pix * in_ct + ct),
                                                    s + reads++, buf, n);
                        for (uint32_t c = 0; c < n; c++)
                            best[c] = (ky == 0 && kx == 0) || v[c] > best[c] ? v[c] : best[c];
                    }
                uint16_t opix = (uint16_t)((uint32_t)oy * out_w + ox);
                port_write(m, &out, (uint16_t)((uint32_t)opix * in_ct + ct), s + reads, best, n);
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

static uint64_t run_pool(ftsa_hwm_t *m, uint64_t s, int avg)
{
    switch (m->n) {
    case 4: return pool_n(m, s, avg, 4);
    case 8: return pool_n(m, s, avg, 8);
    default: return pool_n(m, s, avg, 16);
    }
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
            int16_t *buf = m->pe_w[m->load_sel];
            load_weights(m, w1 & 0xffffu, l0, buf);
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
