/* Fault lists end to end through the driver: random SRAM-space lists drawn
 * with ftsa_faults_gen_sram_count (every kind on every memory, upsets at
 * random cycles of the run) installed with ftsa_dev_set_faults on the cmodel
 * and rtl back ends give bit-identical outputs of every layer.  Regions are
 * 16-word windows around words the inference really uses.
 *
 * usage: tb_faultlists ARRAY_N LISTS MODELS_DIR */
#include <stdlib.h>
#include <string.h>

#include "ftsa/driver.h"
#include "ftsa/hw_regs.h"
#include "ftsa/hwmodel.h"
#include "ftsa/netgen.h"
#include "ftsa/rng.h"
#include "tb_common.h"

/* ftsa_mem_t and word index of a hardware memory's word; geometry of a region. */
static void region_at(const ftsa_access_t *a, uint32_t n, const ftsa_hw_cfg_t *hw,
                      ftsa_sram_region_t *r)
{
    static const ftsa_mem_t mem_of[] = {FTSA_MEM_WEIGHT, FTSA_MEM_ACT, FTSA_MEM_ACT,
                                        FTSA_MEM_ACC,    FTSA_MEM_PARAM, FTSA_MEM_THR};
    uint32_t depth[] = {hw->wgt_depth, 2 * hw->act_depth, 2 * hw->act_depth, hw->acc_depth,
                        hw->par_depth, hw->thr_depth};
    uint32_t word = a->addr + (a->mem == FTSA_HW_MEM_ACT1 ? hw->act_depth : 0);
    memset(r, 0, sizeof *r);
    r->mem = mem_of[a->mem];
    r->first = word >= 8 ? word - 8 : 0;
    r->count = r->first + 16 <= depth[a->mem] ? 16 : depth[a->mem] - r->first;
    r->word_bits = a->mem == FTSA_HW_MEM_ACC ? 32 * n : a->mem == FTSA_HW_MEM_PAR ? 96 : 8 * n;
    r->elem_bits = a->mem == FTSA_HW_MEM_ACC || a->mem == FTSA_HW_MEM_PAR ? 32 : 8;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: tb_faultlists ARRAY_N LISTS MODELS_DIR\n");
        return 2;
    }
    uint32_t n = (uint32_t)atoi(argv[1]), lists = (uint32_t)atoi(argv[2]);
    ftsa_err_t err;
    ftsa_net_t net;
    int trained;
    TB_CHECK(!tb_lenet_load(argv[3], &net, &trained, &err), "%s", err.msg);
    ftsa_dev_opts_t opts = {.array_n = n};
    ftsa_dev_t *cm, *rtl;
    TB_CHECK(!ftsa_dev_open("cmodel", &net, &opts, &cm, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_open("rtl", &net, &opts, &rtl, &err), "%s", err.msg);
    int8_t *in = malloc(ftsa_shape_elems(net.input));
    TB_CHECK(in != NULL, "out of memory");
    ftsa_netgen_input(&net, 11, in);
    /* the schedule, and the fault-free output */
    ftsa_trace_t sched;
    ftsa_trace_init(&sched, n);
    TB_CHECK(!ftsa_dev_set_access_trace(cm, &sched, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_infer(cm, in, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_set_access_trace(cm, NULL, &err), "%s", err.msg);
    TB_CHECK(sched.n > 0, "empty schedule");
    uint64_t run_end = sched.v[sched.n - 1].cycle + 1;
    uint32_t n_out = ftsa_shape_elems(ftsa_net_output_shape(&net));
    int8_t *clean = malloc(n_out);
    memcpy(clean, ftsa_dev_output(cm), n_out);
    /* control: a fault on a word no inference reads changes nothing */
    ftsa_fault_list_t idle;
    ftsa_faults_init(&idle);
    TB_CHECK(!ftsa_faults_parse("sa1 weight 16383 0\n", "idle", &idle, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_set_faults(cm, &idle, &err) && !ftsa_dev_infer(cm, in, &err), "%s", err.msg);
    TB_CHECK(!memcmp(clean, ftsa_dev_output(cm), n_out), "an idle fault changed the output");
    ftsa_faults_free(&idle);
    ftsa_hw_cfg_t hw;
    ftsa_hwm_default_cfg(n, &hw);
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, 2026, n);
    uint32_t bad = 0, changed = 0, refused = 0, kinds[FTSA_FAULT_KIND_COUNT] = {0};
    for (uint32_t l = 0; l < lists; l++) {
        ftsa_fault_list_t list;
        ftsa_faults_init(&list);
        list.seed = ftsa_rng_u64(&rng);
        uint32_t draws = 1 + (uint32_t)ftsa_rng_below(&rng, 3);
        for (uint32_t d = 0; d < draws; d++) {
            ftsa_sram_region_t region;
            region_at(&sched.v[ftsa_rng_below(&rng, sched.n)], n, &hw, &region);
            ftsa_fault_spec_t spec = {.kind = (ftsa_fault_kind_t)ftsa_rng_below(&rng, 5),
                                      .cycle_first = 0, .cycle_end = run_end, .prob = 0.5};
            kinds[spec.kind]++;
            TB_CHECK(!ftsa_faults_gen_sram_count(&region, &spec, 1 + ftsa_rng_below(&rng, 3),
                                                 ftsa_rng_u64(&rng), &list, &err),
                     "list %u: %s", l, err.msg);
        }
        ftsa_status_t st = ftsa_dev_set_faults(rtl, &list, &err);
        if (st == FTSA_E_UNSUPPORTED) { /* two upsets in one cycle: the port's limit */
            refused++;
            ftsa_faults_free(&list);
            continue;
        }
        TB_CHECK(!st, "list %u on rtl: %s", l, err.msg);
        TB_CHECK(!ftsa_dev_set_faults(cm, &list, &err), "list %u on cmodel: %s", l, err.msg);
        TB_CHECK(!ftsa_dev_infer(rtl, in, &err), "list %u: %s", l, err.msg);
        TB_CHECK(!ftsa_dev_infer(cm, in, &err), "list %u: %s", l, err.msg);
        int same = 1;
        for (uint32_t i = 0; i < net.n_layers; i++)
            same &= tb_same("fault list", i, ftsa_dev_layer_output(cm, i),
                            ftsa_dev_layer_output(rtl, i), ftsa_shape_elems(net.layers[i].out));
        if (!same) {
            fprintf(stderr, "list %u differs:\n", l);
            ftsa_faults_write(&list, stderr, &err);
            bad++;
        }
        changed += memcmp(clean, ftsa_dev_output(cm), n_out) != 0;
        ftsa_faults_free(&list);
    }
    printf("N=%u %s: %u fault lists through the driver (draws sa0 %u sa1 %u flip %u seu %u rd %u; "
           "%u refused by the RTL port, %u changed the output): %u differ\n", n,
           trained ? "trained LeNet-5" : "random LeNet-5", lists, kinds[0], kinds[1], kinds[2],
           kinds[3], kinds[4], refused, changed, bad);
    TB_CHECK(refused * 10 <= lists, "too many lists refused");
    TB_CHECK(changed > 0, "no fault list changed the output");
    free(clean);
    free(in);
    ftsa_trace_free(&sched);
    ftsa_dev_close(cm);
    ftsa_dev_close(rtl);
    ftsa_net_free(&net);
    return bad ? 1 : 0;
}
