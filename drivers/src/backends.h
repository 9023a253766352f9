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

#endif
