/* The SystemC back end: the network runs on the SystemC platform (sim/systemc,
 * ftsa/sc_platform.h), whose host initiator carries every access of this code
 * to memory and to the accelerator's CSRs as TLM transactions.  As the rtl
 * back end: the network is compiled to the command stream, the image is
 * written to the platform's memory and the setup stream run once; each
 * inference writes the input, starts the inference stream, waits for the
 * interrupt and reads every layer's output and cycle stamps back.
 *
 * Faults: tensor-space weight and bias faults recompile a faulty copy of the
 * network (as the C model computes them); SRAM-space faults go to the
 * accelerator's fault port (stuck-at and flip masks at once, upsets at their
 * run cycle of every inference: cycle 0 is the one after START is taken).  Tensor-space
 * activation faults and read disturb have no equivalent here. */
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "ftsa/compile.h"
#include "ftsa/hw_regs.h"
#include "ftsa/sc_platform.h"
#include "sram_faults.h"

/* Generous bound on one command stream, so a hardware hang is an error. */
#define SC_MAX_CYCLES 2000000000ull

struct ftsa_backend {
    const ftsa_net_t *net;
    ftsa_net_t faulty; /* net with tensor-space parameter faults (has_faulty) */
    int has_faulty;
    ftsa_sc_t *sc;
    ftsa_hw_cfg_t hw;
    ftsa_program_t prog;
    uint8_t *host; /* the driver's copy of memory [0, image_bytes) */
    int8_t **out;  /* per layer, HWC */
    ftsa_layer_stats_t *stats;
};

/* Bytes of a stored tensor in memory (pixels x words per pixel x N). */
static size_t map_bytes(const ftsa_program_t *prog, const ftsa_tensor_map_t *m)
{
    return (size_t)m->h * m->w * m->ct * prog->hw.array_n;
}

static void drop_program(ftsa_backend_t *be)
{
    ftsa_program_free(&be->prog);
    free(be->host);
    be->host = NULL;
}

/* Compile net, write its image to the platform's memory, run the setup stream. */
static ftsa_status_t load_program(ftsa_backend_t *be, const ftsa_net_t *net, ftsa_err_t *err)
{
    drop_program(be);
    ftsa_status_t st = ftsa_compile(net, &be->hw, &be->prog, err);
    if (st)
        return st;
    if (be->prog.image_bytes > ftsa_sc_mem_bytes(be->sc))
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "the program needs %zu bytes of memory, the platform has %zu",
                         be->prog.image_bytes, ftsa_sc_mem_bytes(be->sc));
    if (!(be->host = malloc(be->prog.image_bytes)))
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    memcpy(be->host, be->prog.image, be->prog.image_bytes);
    if ((st = ftsa_sc_mem_write(be->sc, 0, be->host, be->prog.image_bytes, err)))
        return st;
    return ftsa_sc_run(be->sc, be->prog.setup_addr, SC_MAX_CYCLES, err);
}

static void sc_close(ftsa_backend_t *be)
{
    if (!be)
        return;
    ftsa_hw_outputs_free(be->net, be->out, be->stats);
    drop_program(be);
    if (be->has_faulty)
        ftsa_net_free(&be->faulty);
    ftsa_sc_close(be->sc);
    free(be);
}

static uint32_t csr_read(void *sc, uint32_t addr)
{
    return ftsa_sc_csr_read(sc, addr);
}

static ftsa_status_t sc_open(ftsa_backend_t **out, const ftsa_net_t *net,
                             const ftsa_dev_opts_t *opts, ftsa_err_t *err)
{
    uint32_t n = opts->array_n ? opts->array_n : 8;
    if (!ftsa_sc_has_array(n))
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "the SystemC platform is built for an 8x8 array only, not %ux%u", n, n);
    if (opts->trace_path)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "no waveform tracing on the SystemC platform (use --backend rtl)");
    ftsa_backend_t *be = calloc(1, sizeof *be);
    if (!be)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    be->net = net;
    ftsa_status_t st = ftsa_sc_open(&be->sc, err);
    if (st) {
        free(be);
        return st;
    }
    ftsa_hw_read_cfg(csr_read, be->sc, &be->hw);
    if ((st = ftsa_hw_outputs_alloc(net, &be->out, &be->stats, err)) ||
        (st = load_program(be, net, err))) {
        sc_close(be);
        return st;
    }
    *out = be;
    return FTSA_OK;
}

/* Read a tensor (or the 8 bytes of a stamp pair) back into the driver's copy. */
static ftsa_status_t fetch(ftsa_backend_t *be, uint32_t addr, size_t bytes, ftsa_err_t *err)
{
    return ftsa_sc_mem_read(be->sc, addr, be->host + addr, bytes, err);
}

static ftsa_status_t sc_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    const ftsa_program_t *prog = &be->prog;
    ftsa_program_pack_input(prog, input, be->host);
    ftsa_status_t st = ftsa_sc_mem_write(be->sc, prog->input.host, be->host + prog->input.host,
                                         map_bytes(prog, &prog->input), err);
    if (!st)
        st = ftsa_sc_run(be->sc, prog->infer_addr, SC_MAX_CYCLES, err);
    /* Each layer's output and stamps, into the driver's copy of memory. */
    for (uint32_t i = 0; !st && i < be->net->n_layers; i++) {
        const ftsa_tensor_map_t *m = &prog->layers[i];
        if (!(st = fetch(be, m->host, map_bytes(prog, m), err)))
            st = fetch(be, m->stamp, 8, err);
    }
    if (!st)
        ftsa_hw_read_outputs(prog, be->net, be->host, be->out, be->stats);
    return st;
}

static const int8_t *sc_layer_output(const ftsa_backend_t *be, uint32_t layer)
{
    return be->out[layer];
}

static void sc_layer_stats(const ftsa_backend_t *be, uint32_t layer, ftsa_layer_stats_t *stats)
{
    *stats = be->stats[layer];
}

/* Whether list holds tensor-space parameter faults; FTSA_E_UNSUPPORTED for
 * tensor-space activation faults. */
static ftsa_status_t param_faults(const ftsa_fault_list_t *list, int *any, ftsa_err_t *err)
{
    *any = 0;
    for (uint32_t i = 0; list && i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        if (f->space != FTSA_SPACE_TENSOR)
            continue;
        if (f->target == FTSA_TENSOR_ACT)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "fault %u (L%u.act): layer outputs stay in the activation SRAM on "
                             "this back end; use SRAM-space act faults",
                             f->line ? f->line : i, f->layer);
        *any = 1;
    }
    return FTSA_OK;
}

static ftsa_status_t sc_set_faults(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                   ftsa_err_t *err)
{
    int params;
    ftsa_port_fault_t *port;
    uint32_t n_port;
    ftsa_status_t st = param_faults(faults, &params, err);
    if (st || (st = ftsa_port_faults(faults, &be->hw, &port, &n_port, err)))
        return st;
    for (uint32_t i = 0; i < n_port; i++)
        if (port[i].kind == FTSA_FAULT_READ_DISTURB) {
            free(port);
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "read-disturb faults need the simulator's per-read hook "
                             "(--backend rtl); the SystemC platform drives the fault port only");
        }
    /* Fault-free ports while the setup stream loads the SRAMs again. */
    if ((st = ftsa_sc_fault_clear(be->sc, err)))
        goto done;
    if (params || be->has_faulty) {
        if (be->has_faulty)
            ftsa_net_free(&be->faulty);
        be->has_faulty = 0;
        if (params) {
            if ((st = ftsa_net_clone(be->net, &be->faulty, err)))
                goto done;
            be->has_faulty = 1;
            ftsa_faults_apply_params(faults, &be->faulty);
        }
        if ((st = load_program(be, be->has_faulty ? &be->faulty : be->net, err)))
            goto done;
    }
    for (uint32_t i = 0; !st && i < n_port; i++) {
        const ftsa_port_fault_t *f = &port[i];
        if (f->kind == FTSA_FAULT_SEU)
            st = ftsa_sc_fault_upset_run(be->sc, f->mem, f->cycle, f->addr, f->mask, err);
        else
            st = ftsa_sc_fault_set(be->sc, f->mem, (ftsa_sim_fault_kind_t)f->kind, f->addr,
                                   f->mask, err);
    }
done:
    free(port);
    return st;
}

const ftsa_backend_ops_t ftsa_backend_systemc = {
    .name = "systemc",
    .summary = "SystemC TLM-2.0 platform around the Verilated RTL (N = 8)",
    .open = sc_open,
    .infer = sc_infer,
    .layer_output = sc_layer_output,
    .layer_stats = sc_layer_stats,
    .set_faults = sc_set_faults,
    .close = sc_close,
};
