/* Back ends known to the driver (private to drivers/). */
#ifndef FTSA_BACKENDS_H
#define FTSA_BACKENDS_H

#include "ftsa/compile.h"
#include "ftsa/driver.h"

extern const ftsa_backend_ops_t ftsa_backend_cmodel;
#ifdef FTSA_HAVE_RTL
extern const ftsa_backend_ops_t ftsa_backend_rtl;
#endif
#ifdef FTSA_HAVE_SYSTEMC
extern const ftsa_backend_ops_t ftsa_backend_systemc;
#endif

/* After an inference run of prog: every layer's output (HWC, into out[i];
 * out may be NULL) and its cycles between the layer's two STAMP commands. */
void ftsa_hw_read_outputs(const ftsa_program_t *prog, const ftsa_net_t *net, const uint8_t *host,
                          int8_t **out, ftsa_layer_stats_t *stats);
/* The hardware's limits from its HW_* CSRs, read with csr_read(ctx, offset). */
void ftsa_hw_read_cfg(uint32_t (*csr_read)(void *ctx, uint32_t addr), void *ctx, ftsa_hw_cfg_t *hw);
/* Per-layer output buffers (HWC) and counters of net, freed with
 * ftsa_hw_outputs_free (which takes NULLs). */
ftsa_status_t ftsa_hw_outputs_alloc(const ftsa_net_t *net, int8_t ***out,
                                    ftsa_layer_stats_t **stats, ftsa_err_t *err);
void ftsa_hw_outputs_free(const ftsa_net_t *net, int8_t **out, ftsa_layer_stats_t *stats);

#endif
