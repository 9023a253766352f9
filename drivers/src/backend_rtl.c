/* The Verilated-RTL back end: the network is compiled to the command stream
 * (compile.h), the host-memory image is loaded into the simulator, the setup
 * stream makes weights resident, and each inference runs the inference stream
 * on ftsa_top.  Every layer's output is stored by the hardware and read back
 * here; per-layer cycles come from the hardware's STAMP commands. */
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "ftsa/compile.h"
#include "ftsa/hw_regs.h"
#include "ftsa/sim.h"
#include "sram_faults.h"

/* Generous bound on one command stream, so a hardware hang is an error. */
#define RTL_MAX_CYCLES 2000000000ull

struct ftsa_backend {
    const ftsa_net_t *net;
    ftsa_sim_t *sim;
    ftsa_program_t prog;
    int8_t **out; /* per layer, HWC */
    ftsa_layer_stats_t *stats;
    ftsa_port_fault_t *pf; /* SRAM-space faults in force */
    uint32_t n_pf;
    uint64_t seed;
    int upsets;
    ftsa_net_t faulty; /* tensor-space parameter faults: the net compiled */
    int has_faulty;
    ftsa_trace_t *trace; /* SRAM accesses of inference runs */
};

static uint32_t csr_read(void *sim, uint32_t addr)
{
    return ftsa_sim_csr_read(sim, addr);
}

static void rtl_close(ftsa_backend_t *be)
{
    if (!be)
        return;
    ftsa_hw_outputs_free(be->net, be->out, be->stats);
    free(be->pf);
    if (be->has_faulty)
        ftsa_net_free(&be->faulty);
    ftsa_program_free(&be->prog);
    ftsa_sim_destroy(be->sim);
    free(be);
}

static ftsa_status_t rtl_open(ftsa_backend_t **out, const ftsa_net_t *net,
                              const ftsa_dev_opts_t *opts, ftsa_err_t *err)
{
    uint32_t n = opts->array_n ? opts->array_n : 8;
    ftsa_backend_t *be = calloc(1, sizeof *be);
    if (!be)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    be->net = net;
    /* A first instance only reports the hardware's limits (CSR HW_*). */
    ftsa_status_t st = ftsa_sim_create(n, 0, NULL, &be->sim, err);
    if (st) {
        free(be);
        return st;
    }
    ftsa_hw_cfg_t hw;
    ftsa_hw_read_cfg(csr_read, be->sim, &hw);
    if ((st = ftsa_compile(net, &hw, &be->prog, err)))
        goto fail;
    if ((st = ftsa_hw_outputs_alloc(net, &be->out, &be->stats, err)))
        goto fail;
    /* The host memory model is sized by the program's image. */
    ftsa_sim_destroy(be->sim);
    be->sim = NULL;
    if ((st = ftsa_sim_create(n, be->prog.image_bytes, opts->trace_path, &be->sim, err)))
        goto fail;
    memcpy(ftsa_sim_host(be->sim, NULL), be->prog.image, be->prog.image_bytes);
    if ((st = ftsa_sim_run(be->sim, be->prog.setup_addr, RTL_MAX_CYCLES, err)))
        goto fail;
    *out = be;
    return FTSA_OK;
fail:
    rtl_close(be);
    return st;
}

/* The simulator's record of the last run, in canonical order. */
static ftsa_status_t copy_trace(ftsa_backend_t *be, ftsa_err_t *err)
{
    size_t n;
    const ftsa_access_t *a = ftsa_sim_accesses(be->sim, &n);
    ftsa_trace_clear(be->trace);
    for (size_t i = 0; i < n; i++)
        ftsa_trace_add(be->trace, a[i].cycle, a[i].mem, a[i].we, a[i].addr);
    return ftsa_trace_finish(be->trace, err);
}

/* Put the SRAM-space faults in force on the fault ports. */
static ftsa_status_t install(ftsa_backend_t *be, ftsa_err_t *err)
{
    ftsa_sim_faults_clear(be->sim);
    for (uint32_t i = 0; i < be->n_pf; i++) {
        const ftsa_port_fault_t *f = &be->pf[i];
        ftsa_status_t st;
        if (f->kind == FTSA_FAULT_SEU)
            st = ftsa_sim_fault_upset_run(be->sim, f->mem, f->cycle, f->addr, f->mask, err);
        else if (f->kind == FTSA_FAULT_READ_DISTURB)
            st = ftsa_sim_fault_rd(be->sim, f->mem, f->addr, f->bit, f->prob, be->seed, err);
        else
            st = ftsa_sim_fault_set(be->sim, f->mem, (ftsa_sim_fault_kind_t)f->kind, f->addr,
                                    f->mask, err);
        if (st)
            return st;
    }
    return FTSA_OK;
}

/* Reload the resident SRAMs fault-free (the setup stream), then install the
 * faults: every inference under upsets starts from the same contents. */
static ftsa_status_t setup(ftsa_backend_t *be, ftsa_err_t *err)
{
    ftsa_sim_faults_clear(be->sim);
    ftsa_status_t st = ftsa_sim_run(be->sim, be->prog.setup_addr, RTL_MAX_CYCLES, err);
    return st ? st : install(be, err);
}

static ftsa_status_t rtl_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    uint8_t *host = ftsa_sim_host(be->sim, NULL);
    ftsa_status_t st;
    if (be->upsets && (st = setup(be, err)))
        return st;
    ftsa_program_pack_input(&be->prog, input, host);
    ftsa_sim_record(be->sim, be->trace != NULL);
    st = ftsa_sim_run(be->sim, be->prog.infer_addr, RTL_MAX_CYCLES, err);
    ftsa_sim_record(be->sim, 0);
    if (st)
        return st;
    ftsa_hw_read_outputs(&be->prog, be->net, host, be->out, be->stats);
    return be->trace ? copy_trace(be, err) : FTSA_OK;
}

static ftsa_status_t rtl_set_access_trace(ftsa_backend_t *be, ftsa_trace_t *t, ftsa_err_t *err)
{
    (void)err;
    be->trace = t;
    if (t)
        t->array_n = be->prog.hw.array_n;
    return FTSA_OK;
}

/* Compile net (the pristine one or a faulty copy) into the simulator's host
 * memory, which keeps its size: the layout does not depend on the values. */
static ftsa_status_t load_program(ftsa_backend_t *be, const ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_program_t prog;
    ftsa_status_t st = ftsa_compile(net, &be->prog.hw, &prog, err);
    if (st)
        return st;
    size_t bytes;
    uint8_t *host = ftsa_sim_host(be->sim, &bytes);
    if (prog.image_bytes != bytes) {
        ftsa_program_free(&prog);
        return ftsa_fail(err, FTSA_E_BACKEND, "recompiled program changed size");
    }
    memcpy(host, prog.image, bytes);
    ftsa_program_free(&be->prog);
    be->prog = prog;
    return FTSA_OK;
}

/* SRAM-space faults go to the fault ports; tensor-space faults on weights and
 * biases are a faulty copy of the net compiled in their place (the bias is
 * folded from the faulty weights, as in the C model); tensor-space faults on
 * activations have no place in the RTL. */
static ftsa_status_t rtl_set_faults(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                    ftsa_err_t *err)
{
    int tensor = 0, sram = 0;
    for (uint32_t i = 0; i < faults->n; i++) {
        const ftsa_fault_t *f = &faults->v[i];
        uint32_t id = f->line ? f->line : i;
        if (f->space == FTSA_SPACE_SRAM)
            sram = 1;
        else if (f->target == FTSA_TENSOR_ACT)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "fault %u: tensor-space activation faults are injected by the C "
                             "model only; on the RTL use SRAM-space act faults",
                             id);
        else
            tensor = 1;
    }
    if (tensor && sram)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "a list mixes SRAM-space and tensor-space faults; inject them in "
                         "separate runs");
    ftsa_port_fault_t *pf = NULL;
    uint32_t n = 0;
    ftsa_status_t st = ftsa_port_faults(faults, &be->prog.hw, &pf, &n, err);
    if (st)
        return st;
    free(be->pf);
    be->pf = pf, be->n_pf = n, be->seed = faults->seed, be->upsets = 0;
    for (uint32_t i = 0; i < n; i++)
        be->upsets |= pf[i].kind == FTSA_FAULT_SEU;
    if (be->has_faulty) {
        ftsa_net_free(&be->faulty);
        be->has_faulty = 0;
    }
    const ftsa_net_t *net = be->net;
    if (tensor) {
        if ((st = ftsa_net_clone(be->net, &be->faulty, err)))
            return st;
        be->has_faulty = 1;
        ftsa_faults_apply_params(faults, &be->faulty);
        net = &be->faulty;
    }
    if ((st = load_program(be, net, err)))
        return st;
    return setup(be, err);
}

static const int8_t *rtl_layer_output(const ftsa_backend_t *be, uint32_t layer)
{
    return be->out[layer];
}

static void rtl_layer_stats(const ftsa_backend_t *be, uint32_t layer, ftsa_layer_stats_t *stats)
{
    *stats = be->stats[layer];
}

const ftsa_backend_ops_t ftsa_backend_rtl = {
    .name = "rtl",
    .summary = "Verilated RTL of the systolic-array accelerator (N = 8 or 16)",
    .open = rtl_open,
    .infer = rtl_infer,
    .layer_output = rtl_layer_output,
    .layer_stats = rtl_layer_stats,
    .set_faults = rtl_set_faults,
    .set_access_trace = rtl_set_access_trace,
    .close = rtl_close,
};
