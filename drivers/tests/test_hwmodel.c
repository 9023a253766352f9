/* The cycle-accurate C model (hwmodel.h): fault semantics on one SRAM word,
 * its agreement with the untimed reference path, and the outcome classes the
 * access schedule decides (never read, overwritten). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ftsa/driver.h"
#include "ftsa/hw_regs.h"
#include "ftsa/hwmodel.h"
#include "ftsa/netgen.h"
#include "ftsa/outcome.h"
#include "ftsa/ref.h"

/* A program that loads one THR word from host 0x100 into word 5, stores it
 * to 0x200, stores it again to 0x300, and ends. */
enum { CMDQ = 0, SRC = 0x100, OUT1 = 0x200, OUT2 = 0x300, HOST = 0x400, WORD = 5 };

typedef struct {
    ftsa_hwm_t *m;
    uint8_t host[HOST];
    ftsa_trace_t t;
    uint64_t write, read1, read2; /* cycles of the word's three accesses */
} word_rig_t;

static void rig_open(word_rig_t *r, uint8_t value)
{
    ftsa_err_t err;
    ftsa_hw_cfg_t hw;
    ftsa_hwm_default_cfg(8, &hw);
    ck_assert_int_eq(ftsa_hwm_create(&hw, &r->m, &err), FTSA_OK);
    memset(r->host, 0, sizeof r->host);
    ftsa_cmdbuf_t cb;
    ftsa_cmd_init(&cb);
    ftsa_cmd_dma(&cb, 0, FTSA_HW_MEM_THR, WORD, 1, SRC);
    ftsa_cmd_dma(&cb, 1, FTSA_HW_MEM_THR, WORD, 1, OUT1);
    ftsa_cmd_dma(&cb, 1, FTSA_HW_MEM_THR, WORD, 1, OUT2);
    ftsa_cmd_emit(&cb, FTSA_HW_OP_END, 0, 0);
    ck_assert(!cb.oom && cb.n * 4 <= SRC);
    memcpy(r->host + CMDQ, cb.words, cb.n * 4); /* little-endian host */
    ftsa_cmd_free(&cb);
    memset(r->host + SRC, value, 8);
    ftsa_trace_init(&r->t, 8);
    ftsa_hwm_set_trace(r->m, &r->t);
    ck_assert_int_eq(ftsa_hwm_run(r->m, r->host, HOST, CMDQ, &err), FTSA_OK);
    ck_assert_uint_eq(r->t.n, 3);
    ck_assert(r->t.v[0].we && !r->t.v[1].we && !r->t.v[2].we);
    r->write = r->t.v[0].cycle, r->read1 = r->t.v[1].cycle, r->read2 = r->t.v[2].cycle;
    ck_assert(r->write < r->read1 && r->read1 < r->read2);
}

/* Run again; the first byte stored by each DMA_STORE. */
static void rig_run(word_rig_t *r, uint8_t *first, uint8_t *second)
{
    ftsa_err_t err;
    memset(r->host + OUT1, 0xee, 8);
    memset(r->host + OUT2, 0xee, 8);
    ck_assert_int_eq(ftsa_hwm_run(r->m, r->host, HOST, CMDQ, &err), FTSA_OK);
    *first = r->host[OUT1];
    *second = r->host[OUT2];
}

static void rig_close(word_rig_t *r)
{
    ftsa_trace_free(&r->t);
    ftsa_hwm_destroy(r->m);
}

static const uint32_t BIT2[32] = {1u << 2};

START_TEST(stuck_at_and_flip)
{
    word_rig_t r;
    ftsa_err_t err;
    uint8_t a, b;
    rig_open(&r, 0x04); /* bit 2 already 1 */
    ck_assert_int_eq(ftsa_hwm_fault_mask(r.m, FTSA_HW_MEM_THR, FTSA_HWM_SA1, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x04); /* stuck-at-1 on a 1 changes nothing */
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_mask(r.m, FTSA_HW_MEM_THR, FTSA_HWM_SA0, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x00);
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_mask(r.m, FTSA_HW_MEM_THR, FTSA_HWM_FLIP, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x00);
    ck_assert_uint_eq(b, 0x00); /* permanent: every read */
    /* masks combine order-free: ((v & ~sa0) | sa1) ^ flip */
    ck_assert_int_eq(ftsa_hwm_fault_mask(r.m, FTSA_HW_MEM_THR, FTSA_HWM_SA0, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x04);
    rig_close(&r);
}
END_TEST

START_TEST(upset_timing)
{
    word_rig_t r;
    ftsa_err_t err;
    uint8_t a, b;
    rig_open(&r, 0x00);
    /* between the write and the first read: both reads see it */
    ck_assert_int_eq(ftsa_hwm_fault_upset(r.m, FTSA_HW_MEM_THR, r.read1 - 1, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x04);
    ck_assert_uint_eq(b, 0x04);
    /* in the first read's cycle: only the second read sees it */
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_upset(r.m, FTSA_HW_MEM_THR, r.read1, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x00);
    ck_assert_uint_eq(b, 0x04);
    /* after the last read: no output changes */
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_upset(r.m, FTSA_HW_MEM_THR, r.read2, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x00);
    ck_assert_uint_eq(b, 0x00);
    /* in the write's cycle or before: the write clears it */
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_upset(r.m, FTSA_HW_MEM_THR, r.write, WORD, BIT2, &err), 0);
    ck_assert_int_eq(ftsa_hwm_fault_upset(r.m, FTSA_HW_MEM_THR, 0, WORD, BIT2, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x00);
    ck_assert_uint_eq(b, 0x00);
    rig_close(&r);
}
END_TEST

START_TEST(read_disturb)
{
    word_rig_t r;
    ftsa_err_t err;
    uint8_t a, b;
    rig_open(&r, 0x00);
    ck_assert_int_eq(ftsa_hwm_fault_rd(r.m, FTSA_HW_MEM_THR, WORD, 2, 1.0, 9, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a, 0x04); /* p = 1: every read flips ... */
    ck_assert_uint_eq(b, 0x04); /* ... and the stored bit is untouched */
    ftsa_hwm_clear_faults(r.m);
    ck_assert_int_eq(ftsa_hwm_fault_rd(r.m, FTSA_HW_MEM_THR, WORD, 2, 0.0, 9, &err), 0);
    rig_run(&r, &a, &b);
    ck_assert_uint_eq(a | b, 0x00);
    /* p = 0.5: the draw is a function of (seed, memory, word, bit, cycle) */
    uint32_t flips = 0;
    for (uint64_t c = 0; c < 4000; c++)
        flips += (uint32_t)ftsa_fault_rd_draw(1, FTSA_HW_MEM_THR, WORD, 2, c, 0.5);
    ck_assert(flips > 1850 && flips < 2150); /* 4000 draws: mean 2000, sd 32 */
    ck_assert_int_eq(ftsa_fault_rd_draw(3, 1, 2, 3, 4, 0.5), ftsa_fault_rd_draw(3, 1, 2, 3, 4, 0.5));
    ck_assert_int_eq(ftsa_hwm_fault_rd(r.m, FTSA_HW_MEM_THR, WORD, 64, 0.5, 1, &err), FTSA_E_INVALID);
    rig_close(&r);
}
END_TEST

/* Timed (forced by an access trace) and untimed paths of the cmodel back end agree. */
START_TEST(timed_matches_untimed)
{
    ftsa_err_t err;
    ftsa_net_t net;
    ck_assert_int_eq(ftsa_netgen_random(&net, 300 + (uint64_t)_i, NULL, &err), FTSA_OK);
    ftsa_dev_opts_t opts = {.array_n = _i % 2 ? 16 : 8};
    ftsa_dev_t *dev;
    if (ftsa_dev_open("cmodel", &net, &opts, &dev, &err) != FTSA_OK) {
        ftsa_net_free(&net);
        ck_abort_msg("%s", err.msg);
    }
    ftsa_ref_t ref;
    ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
    ftsa_trace_t t;
    ftsa_trace_init(&t, 0);
    int8_t *in = malloc(ftsa_shape_elems(net.input));
    ftsa_netgen_input(&net, (uint64_t)_i, in);
    ftsa_ref_run(&ref, in);
    ck_assert_int_eq(ftsa_dev_set_access_trace(dev, &t, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
    ck_assert_uint_gt(t.n, 0);
    for (uint32_t l = 0; l < net.n_layers; l++)
        ck_assert_mem_eq(ftsa_dev_layer_output(dev, l), ftsa_ref_output(&ref, l),
                         ftsa_shape_elems(net.layers[l].out));
    ftsa_layer_stats_t st;
    ftsa_dev_layer_stats(dev, net.n_layers - 1, &st);
    ck_assert_uint_gt(st.cycles, 0);
    free(in);
    ftsa_trace_free(&t);
    ftsa_ref_free(&ref);
    ftsa_dev_close(dev);
    ftsa_net_free(&net);
}
END_TEST

/* Never read and overwritten come from the schedule; a read word is run. */
START_TEST(schedule_outcomes)
{
    ftsa_err_t err;
    ftsa_net_t net;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 4, &err), FTSA_OK);
    ftsa_dev_opts_t opts = {.array_n = 8};
    ftsa_dev_t *dev;
    ck_assert_int_eq(ftsa_dev_open("cmodel", &net, &opts, &dev, &err), FTSA_OK);
    /* the schedule: when ACT0 word 0 is first written */
    ftsa_trace_t t;
    ftsa_trace_init(&t, 0);
    int8_t *in = malloc(ftsa_shape_elems(net.input));
    ftsa_netgen_input(&net, 1, in);
    ck_assert_int_eq(ftsa_dev_set_access_trace(dev, &t, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_set_access_trace(dev, NULL, &err), FTSA_OK);
    uint64_t first_write = UINT64_MAX, last = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].mem == FTSA_HW_MEM_ACT0 && t.v[i].addr == 0) {
            if (t.v[i].we && first_write == UINT64_MAX)
                first_write = t.v[i].cycle;
            last = t.v[i].cycle;
        }
    ck_assert(first_write > 0 && first_write < last);
    /* a one-image data set holding the input */
    ftsa_dataset_t ds = {.rows = net.input.h, .cols = net.input.w, .count = 1};
    uint8_t *pix = malloc(ftsa_shape_elems(net.input));
    uint8_t label = 0;
    for (uint32_t i = 0; i < ftsa_shape_elems(net.input); i++)
        pix[i] = (uint8_t)(in[i] + 128);
    ds.images = pix, ds.labels = &label;
    ftsa_fault_t f[] = {
        {.kind = FTSA_FAULT_FLIP, .space = FTSA_SPACE_SRAM, .target = FTSA_MEM_WEIGHT,
         .index = 16000, .bit = 3},
        {.kind = FTSA_FAULT_SEU, .space = FTSA_SPACE_SRAM, .target = FTSA_MEM_ACT, .index = 0,
         .bit = 7, .cycle = first_write - 1},
        {.kind = FTSA_FAULT_SEU, .space = FTSA_SPACE_SRAM, .target = FTSA_MEM_ACT, .index = 0,
         .bit = 7, .cycle = last + 1},
        {.kind = FTSA_FAULT_FLIP, .space = FTSA_SPACE_SRAM, .target = FTSA_MEM_PARAM, .index = 0,
         .bit = 30},
    };
    ftsa_fault_list_t list = {.v = f, .n = 4, .cap = 4};
    ftsa_fault_outcome_t o[4];
    ck_assert_int_eq(ftsa_fault_outcomes(dev, &ds, 0, 1, &list, o, &err), FTSA_OK);
    ck_assert_int_eq(o[0].outcome, FTSA_OUTCOME_NEVER_READ);
    ck_assert_int_eq(o[1].outcome, FTSA_OUTCOME_OVERWRITTEN);
    ck_assert_int_eq(o[2].outcome, FTSA_OUTCOME_NEVER_READ);
    ck_assert_int_ge(o[3].outcome, FTSA_OUTCOME_MASKED); /* read: decided by running */
    free(pix);
    free(in);
    ftsa_trace_free(&t);
    ftsa_dev_close(dev);
    ftsa_net_free(&net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hwmodel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, stuck_at_and_flip);
    tcase_add_test(tc, upset_timing);
    tcase_add_test(tc, read_disturb);
    tcase_add_loop_test(tc, timed_matches_untimed, 0, 20);
    tcase_add_test(tc, schedule_outcomes);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
