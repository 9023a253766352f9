/* What a hardware back end reads back after an inference run (backends.h). */
#include "backends.h"

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
