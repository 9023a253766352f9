/* Shared by the hardware back ends (backends.h): the limits the hardware
 * reports, per-layer output buffers, and what is read back after a run. */
#include "backends.h"

#include <stdlib.h>

#include "ftsa/hw_regs.h"

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void ftsa_hw_read_outputs(const ftsa_program_t *prog, const ftsa_net_t *net, const uint8_t *host,
                          int8_t **out, ftsa_layer_stats_t *stats)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tensor_map_t *m = &prog->layers[i];
        if (out)
            ftsa_program_unpack(prog, m, host, out[i]);
        stats[i].cycles = (uint32_t)(read_u32(host + m->stamp + 4) - read_u32(host + m->stamp));
        stats[i].macs = ftsa_layer_macs(&net->layers[i]);
    }
}

void ftsa_hw_read_cfg(uint32_t (*csr_read)(void *ctx, uint32_t addr), void *ctx, ftsa_hw_cfg_t *hw)
{
    hw->array_n = csr_read(ctx, FTSA_HW_CSR_HW_ARRAY_N);
    hw->wgt_depth = csr_read(ctx, FTSA_HW_CSR_HW_WGT_DEPTH);
    hw->act_depth = csr_read(ctx, FTSA_HW_CSR_HW_ACT_DEPTH);
    hw->acc_depth = csr_read(ctx, FTSA_HW_CSR_HW_ACC_DEPTH);
    hw->par_depth = csr_read(ctx, FTSA_HW_CSR_HW_PAR_DEPTH);
    hw->thr_depth = csr_read(ctx, FTSA_HW_CSR_HW_THR_DEPTH);
}

ftsa_status_t ftsa_hw_outputs_alloc(const ftsa_net_t *net, int8_t ***out,
                                    ftsa_layer_stats_t **stats, ftsa_err_t *err)
{
    *out = calloc(net->n_layers, sizeof **out);
    *stats = calloc(net->n_layers, sizeof **stats);
    for (uint32_t i = 0; *out && *stats && i < net->n_layers; i++)
        if (!((*out)[i] = malloc(ftsa_shape_elems(net->layers[i].out))))
            break;
    if (*out && *stats && (!net->n_layers || (*out)[net->n_layers - 1]))
        return FTSA_OK;
    ftsa_hw_outputs_free(net, *out, *stats);
    *out = NULL;
    *stats = NULL;
    return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for layer outputs");
}

void ftsa_hw_outputs_free(const ftsa_net_t *net, int8_t **out, ftsa_layer_stats_t *stats)
{
    if (out)
        for (uint32_t i = 0; i < net->n_layers; i++)
            free(out[i]);
    free(out);
    free(stats);
}
