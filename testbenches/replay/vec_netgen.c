/* Writes a random network (ftsa_netgen_random) as a .ftsa model, for the
 * replay tests of random networks.  Default sizes (tiling on an 8x8 array) or,
 * with "small", the Icarus-sized ones of tb_xsim_prep.
 * usage: vec_netgen SEED OUT.ftsa [small] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/model_file.h"
#include "ftsa/netgen.h"

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "small"))) {
        fprintf(stderr, "usage: vec_netgen SEED OUT.ftsa [small]\n");
        return 2;
    }
    ftsa_netgen_opts_t opts;
    ftsa_netgen_defaults(&opts);
    if (argc == 4)
        opts = (ftsa_netgen_opts_t){.max_side = 8, .max_channels = 10, .max_fc = 20};
    ftsa_err_t err;
    ftsa_net_t net;
    if (ftsa_netgen_random(&net, strtoull(argv[1], NULL, 0), &opts, &err) ||
        ftsa_model_save(&net, argv[2], &err)) {
        fprintf(stderr, "vec_netgen: %s\n", err.msg);
        return 1;
    }
    for (uint32_t i = 0; i < net.n_layers; i++)
        printf("%s%s", i ? " -> " : "", ftsa_layer_kind_name(net.layers[i].kind));
    printf(" (%s)\n", net.name);
    ftsa_net_free(&net);
    return 0;
}
