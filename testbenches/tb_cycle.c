/* Lockstep regression of the cycle-accurate C model (drivers/src/hwmodel.c)
 * against the RTL: the same program image on both, and after every run the
 * same run length, the same SRAM access trace (cycle, memory, read/write,
 * address), the same per-layer cycle stamps and the same outputs.  With
 * `faults` lists, each inference first gets a random fault list on both —
 * stuck-at, flips, timed upsets and read disturb on every memory, placed on
 * words the run really uses and timed around their accesses.
 *
 * usage: tb_cycle ARRAY_N RANDOM_NETS LENET_IMAGES FAULT_LISTS MODELS_DIR */
#include <stdlib.h>
#include <string.h>

#include "ftsa/hwmodel.h"
#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "ftsa/rng.h"
#include "tb_common.h"

typedef struct {
    tb_rtl_t rtl;
    ftsa_hwm_t *hwm;
    uint8_t *host; /* the C model's host memory */
    ftsa_trace_t tr_rtl, tr_hwm;
    const char *what;
} pair_t;

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Run cmdq on both and compare everything a run leaves; 1 when identical. */
static int run_both(pair_t *p, uint32_t cmdq, const char *run)
{
    ftsa_err_t err;
    ftsa_sim_t *sim = p->rtl.sim;
    TB_CHECK(!ftsa_sim_run(sim, cmdq, 1ull << 32, &err), "%s %s: RTL: %s", p->what, run, err.msg);
    TB_CHECK(!ftsa_hwm_run(p->hwm, p->host, p->rtl.prog.image_bytes, cmdq, &err),
             "%s %s: C model: %s", p->what, run, err.msg);
    size_t n;
    const ftsa_access_t *acc = ftsa_sim_accesses(sim, &n);
    ftsa_trace_clear(&p->tr_rtl);
    for (size_t i = 0; i < n; i++)
        ftsa_trace_add(&p->tr_rtl, acc[i].cycle, acc[i].mem, acc[i].we, acc[i].addr);
    TB_CHECK(!ftsa_trace_finish(&p->tr_rtl, &err), "%s", err.msg);
    int ok = 1;
    uint64_t cr = ftsa_sim_run_cycles(sim), cm = ftsa_hwm_run_cycles(p->hwm);
    if (cr != cm) {
        fprintf(stderr, "%s %s: run cycles: RTL %llu, C model %llu\n", p->what, run,
                (unsigned long long)cr, (unsigned long long)cm);
        ok = 0;
    }
    char msg[512];
    if (ftsa_trace_diff(&p->tr_rtl, &p->tr_hwm, msg, sizeof msg)) {
        fprintf(stderr, "%s %s: access traces differ (A = RTL, B = C model): %s\n", p->what, run,
                msg);
        ok = 0;
    }
    const ftsa_program_t *prog = &p->rtl.prog;
    const uint8_t *hr = ftsa_sim_host(sim, NULL);
    for (uint32_t i = 0; ok && i < prog->n_layers; i++) {
        const ftsa_tensor_map_t *m = &prog->layers[i];
        if (!m->on_hw)
            continue;
        uint32_t dr = u32_at(hr + m->stamp + 4) - u32_at(hr + m->stamp);
        uint32_t dm = u32_at(p->host + m->stamp + 4) - u32_at(p->host + m->stamp);
        if (dr != dm) {
            fprintf(stderr, "%s %s: layer %u cycles: RTL %u, C model %u\n", p->what, run, i, dr, dm);
            ok = 0;
        }
        size_t bytes = (size_t)m->h * m->w * m->ct * prog->hw.array_n;
        if (memcmp(hr + m->host, p->host + m->host, bytes)) {
            fprintf(stderr, "%s %s: layer %u output differs\n", p->what, run, i);
            ok = 0;
        }
    }
    return ok;
}

static void pair_open(pair_t *p, const ftsa_net_t *net, uint32_t n, const ftsa_hw_cfg_t *hw,
                      const char *what)
{
    ftsa_err_t err;
    memset(p, 0, sizeof *p);
    p->what = what;
    /* tb_rtl_open runs the setup stream; redo it here on both, traced. */
    TB_CHECK(!tb_rtl_open(&p->rtl, net, n, hw, &err), "%s: %s", what, err.msg);
    ftsa_sim_destroy(p->rtl.sim);
    TB_CHECK(!ftsa_sim_create(n, p->rtl.prog.image_bytes, NULL, &p->rtl.sim, &err), "%s", err.msg);
    memcpy(ftsa_sim_host(p->rtl.sim, NULL), p->rtl.prog.image, p->rtl.prog.image_bytes);
    ftsa_sim_record(p->rtl.sim, 1);
    ftsa_hw_cfg_t phys; /* the RTL's SRAMs, whatever limits the compiler was given */
    tb_hw_cfg(p->rtl.sim, &phys);
    TB_CHECK(!ftsa_hwm_create(&phys, &p->hwm, &err), "%s", err.msg);
    p->host = malloc(p->rtl.prog.image_bytes);
    TB_CHECK(p->host != NULL, "out of memory");
    memcpy(p->host, p->rtl.prog.image, p->rtl.prog.image_bytes);
    ftsa_trace_init(&p->tr_rtl, n);
    ftsa_trace_init(&p->tr_hwm, n);
    ftsa_hwm_set_trace(p->hwm, &p->tr_hwm);
}

static void pair_close(pair_t *p)
{
    tb_rtl_close(&p->rtl);
    ftsa_hwm_destroy(p->hwm);
    free(p->host);
    ftsa_trace_free(&p->tr_rtl);
    ftsa_trace_free(&p->tr_hwm);
}

static int pair_infer(pair_t *p, const int8_t *in, const char *run)
{
    ftsa_program_pack_input(&p->rtl.prog, in, ftsa_sim_host(p->rtl.sim, NULL));
    ftsa_program_pack_input(&p->rtl.prog, in, p->host);
    return run_both(p, p->rtl.prog.infer_addr, run);
}

/* A random fault list on words the last run touched, applied to both. */
static void random_faults(pair_t *p, ftsa_rng_t *rng, const ftsa_trace_t *used)
{
    ftsa_err_t err;
    ftsa_sim_t *sim = p->rtl.sim;
    ftsa_sim_faults_clear(sim);
    ftsa_hwm_clear_faults(p->hwm);
    uint32_t k = 1 + (uint32_t)ftsa_rng_below(rng, 6);
    for (uint32_t f = 0; f < k; f++) {
        const ftsa_access_t *a = &used->v[ftsa_rng_below(rng, used->n)];
        uint32_t width = ftsa_hwm_mem_width(p->hwm, a->mem);
        uint32_t mask[32] = {0}, bit = (uint32_t)ftsa_rng_below(rng, width);
        mask[bit / 32] = 1u << (bit % 32);
        uint32_t kind = (uint32_t)ftsa_rng_below(rng, 5);
        if (kind <= FTSA_HWM_FLIP) {
            TB_CHECK(!ftsa_sim_fault_set(sim, a->mem, (ftsa_sim_fault_kind_t)kind, a->addr, mask, &err),
                     "%s", err.msg);
            TB_CHECK(!ftsa_hwm_fault_mask(p->hwm, a->mem, (ftsa_hwm_mask_t)kind, a->addr, mask, &err),
                     "%s", err.msg);
        } else if (kind == 3) {
            /* around the access: before it, in its cycle or after */
            uint64_t back = ftsa_rng_below(rng, 7); /* 3 cycles either side */
            uint64_t c = a->cycle + 3 >= back ? a->cycle + 3 - back : 0;
            if (ftsa_sim_fault_upset_run(sim, a->mem, c, a->addr, mask, &err) == FTSA_E_UNSUPPORTED)
                continue; /* another word already upset in that cycle */
            TB_CHECK(!ftsa_hwm_fault_upset(p->hwm, a->mem, c, a->addr, mask, &err), "%s", err.msg);
        } else {
            static const double probs[] = {0.1, 0.5, 1.0};
            double pr = probs[ftsa_rng_below(rng, 3)];
            uint64_t seed = ftsa_rng_u64(rng);
            TB_CHECK(!ftsa_sim_fault_rd(sim, a->mem, a->addr, bit, pr, seed, &err), "%s", err.msg);
            TB_CHECK(!ftsa_hwm_fault_rd(p->hwm, a->mem, a->addr, bit, pr, seed, &err), "%s", err.msg);
        }
    }
}

/* Setup and `inputs` inferences of net, then `lists` faulty inferences. */
static int check_net(const ftsa_net_t *net, uint32_t n, const ftsa_hw_cfg_t *hw, const char *what,
                     uint32_t inputs, uint32_t lists, uint64_t seed, uint32_t *changed)
{
    pair_t p;
    pair_open(&p, net, n, hw, what);
    int ok = run_both(&p, p.rtl.prog.setup_addr, "setup");
    int8_t *in = malloc(ftsa_shape_elems(net->input));
    TB_CHECK(in != NULL, "out of memory");
    for (uint32_t k = 0; ok && k < inputs; k++) {
        char run[64];
        snprintf(run, sizeof run, "input %u", k);
        ftsa_netgen_input(net, seed * 31 + k, in);
        ok &= pair_infer(&p, in, run);
    }
    ftsa_trace_t used;
    ftsa_trace_init(&used, n);
    for (size_t i = 0; i < p.tr_hwm.n; i++)
        ftsa_trace_add(&used, p.tr_hwm.v[i].cycle, p.tr_hwm.v[i].mem, p.tr_hwm.v[i].we,
                       p.tr_hwm.v[i].addr);
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 77);
    /* fault-free host memory of the last input: lists that change an output */
    size_t bytes = p.rtl.prog.image_bytes;
    uint8_t *clean = malloc(bytes);
    TB_CHECK(clean != NULL, "out of memory");
    memcpy(clean, p.host, bytes);
    for (uint32_t l = 0; ok && l < lists && used.n; l++) {
        char run[64];
        snprintf(run, sizeof run, "fault list %u", l);
        random_faults(&p, &rng, &used);
        ok &= pair_infer(&p, in, run);
        for (uint32_t i = 0; i < p.rtl.prog.n_layers; i++) {
            const ftsa_tensor_map_t *m = &p.rtl.prog.layers[i];
            if (m->on_hw && memcmp(clean + m->host, p.host + m->host, (size_t)m->h * m->w * m->ct * n)) {
                ++*changed;
                break;
            }
        }
    }
    free(clean);
    ftsa_trace_free(&used);
    free(in);
    pair_close(&p);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: tb_cycle ARRAY_N RANDOM_NETS LENET_IMAGES FAULT_LISTS MODELS_DIR\n");
        return 2;
    }
    uint32_t n = (uint32_t)atoi(argv[1]), nets = (uint32_t)atoi(argv[2]);
    uint32_t images = (uint32_t)atoi(argv[3]), lists = (uint32_t)atoi(argv[4]);
    ftsa_err_t err;
    int ok = 1, bad = 0;
    char what[128];
    ftsa_net_t net;
    int trained;
    TB_CHECK(!tb_lenet_load(argv[5], &net, &trained, &err), "%s", err.msg);
    snprintf(what, sizeof what, "N=%u LeNet-5", n);
    uint32_t changed = 0;
    ok = check_net(&net, n, NULL, what, images, lists, 5, &changed);
    bad += !ok;
    ftsa_net_free(&net);
    snprintf(what, sizeof what, "%s/mlp.ftsa", argv[5]);
    if (!ftsa_model_load(what, &net, &err)) {
        snprintf(what, sizeof what, "N=%u MLP (streamed weights)", n);
        bad += !check_net(&net, n, NULL, what, 2, lists / 4, 6, &changed);
        ftsa_net_free(&net);
    }
    uint32_t per_net = nets ? lists / nets : 0;
    for (uint32_t s = 0; s < nets; s++) {
        uint64_t seed = 2000 + s;
        TB_CHECK(!ftsa_netgen_random(&net, seed, NULL, &err), "%s", err.msg);
        ftsa_hw_cfg_t small = {.array_n = n, .wgt_depth = 8 * n, .act_depth = 4096,
                               .acc_depth = 32, .par_depth = 128, .thr_depth = 1024};
        ftsa_program_t probe;
        int tiny = s % 3 == 2 && !ftsa_compile(&net, &small, &probe, &err);
        if (tiny)
            ftsa_program_free(&probe);
        snprintf(what, sizeof what, "N=%u random net %llu%s", n, (unsigned long long)seed,
                 tiny ? " (tiny SRAM limits)" : "");
        bad += !check_net(&net, n, tiny ? &small : NULL, what, 2, per_net, seed, &changed);
        ftsa_net_free(&net);
    }
    uint32_t total = lists + lists / 4 + per_net * nets;
    printf("N=%u: LeNet-5 (%u inputs), MLP, %u random networks, %u fault lists (%u changed an "
           "output): %s\n", n, images, nets, total, changed,
           bad ? "MISMATCH" : "cycles, traces and outputs identical");
    /* faults on used words must matter often, or the comparison proves little */
    TB_CHECK(!total || changed * 5 >= total, "only %u of %u fault lists changed an output", changed,
             total);
    return bad ? 1 : 0;
}
