/* Random quantized networks for tests and equivalence regressions.  Same seed,
 * same network.  Shapes, activation modes and threshold sources are drawn so a
 * large sample covers every layer kind and every activation stage. */
#ifndef FTSA_NETGEN_H
#define FTSA_NETGEN_H

#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/net.h"

typedef struct {
    uint32_t max_side;     /* input height/width drawn from 4..max_side */
    uint32_t max_channels; /* conv channels drawn from 1..max_channels */
    uint32_t max_fc;       /* fc widths drawn from 1..max_fc */
} ftsa_netgen_opts_t;

/* Defaults: 16, 24, 96 (large enough to force tiling on an 8x8 array). */
void ftsa_netgen_defaults(ftsa_netgen_opts_t *opts);
ftsa_status_t ftsa_netgen_random(ftsa_net_t *net, uint64_t seed, const ftsa_netgen_opts_t *opts,
                                 ftsa_err_t *err);
/* LeNet-5 shape (28x28x1 -> conv5x5x6 pad 2 -> relu -> maxpool 2 -> conv5x5x16 ->
 * relu -> maxpool 2 -> flatten -> fc120 -> fc84 -> fc10) with random weights. */
ftsa_status_t ftsa_netgen_lenet(ftsa_net_t *net, uint64_t seed, ftsa_err_t *err);
/* Random int8 input for net. */
void ftsa_netgen_input(const ftsa_net_t *net, uint64_t seed, int8_t *input);

#endif
