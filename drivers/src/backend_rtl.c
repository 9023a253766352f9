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

/* Generous bound on one command stream, so a hardware hang is an error. */
#define RTL_MAX_CYCLES 2000000000ull

struct ftsa_backend {
    const ftsa_net_t *net;
    ftsa_sim_t *sim;
    ftsa_program_t prog;
    int8_t **out; /* per layer, HWC */
    ftsa_layer_stats_t *stats;
};

static void read_hw_cfg(ftsa_sim_t *sim, ftsa_hw_cfg_t *hw)
{
    hw->array_n = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_ARRAY_N);
    hw->wgt_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_WGT_DEPTH);
    hw->act_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_ACT_DEPTH);
    hw->acc_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_ACC_DEPTH);
    hw->par_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_PAR_DEPTH);
    hw->thr_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_THR_DEPTH);
}

static void rtl_close(ftsa_backend_t *be)
{
    if (!be)
        return;
    if (be->out)
        for (uint32_t i = 0; i < be->net->n_layers; i++)
            free(be->out[i]);
    free(be->out);
    free(be->stats);
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
    read_hw_cfg(be->sim, &hw);
    if ((st = ftsa_compile(net, &hw, &be->prog, err)))
        goto fail;
    be->out = calloc(net->n_layers, sizeof *be->out);
    be->stats = calloc(net->n_layers, sizeof *be->stats);
    if (!be->out || !be->stats)
        goto nomem;
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (!(be->out[i] = malloc(ftsa_shape_elems(net->layers[i].out))))
            goto nomem;
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
nomem:
    st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
fail:
    rtl_close(be);
    return st;
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static ftsa_status_t rtl_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    uint8_t *host = ftsa_sim_host(be->sim, NULL);
    ftsa_program_pack_input(&be->prog, input, host);
    ftsa_status_t st = ftsa_sim_run(be->sim, be->prog.infer_addr, RTL_MAX_CYCLES, err);
    if (st)
        return st;
    for (uint32_t i = 0; i < be->net->n_layers; i++) {
        const ftsa_tensor_map_t *m = &be->prog.layers[i];
        ftsa_program_unpack(&be->prog, m, host, be->out[i]);
        be->stats[i].cycles = (uint32_t)(read_u32(host + m->stamp + 4) - read_u32(host + m->stamp));
        be->stats[i].macs = ftsa_layer_macs(&be->net->layers[i]);
    }
    return FTSA_OK;
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
    .close = rtl_close,
};
