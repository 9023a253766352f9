/* Test helper: writes a LeNet-shaped random model for campaign tests.
 *   camp_helper --write-model PATH [SEED] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/model_file.h"
#include "ftsa/netgen.h"

int main(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "--write-model")) {
        fprintf(stderr, "usage: camp_helper --write-model PATH [SEED]\n");
        return 2;
    }
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 7;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_netgen_lenet(&net, seed, &err) || ftsa_model_save(&net, argv[2], &err)) {
        fprintf(stderr, "camp_helper: %s\n", err.msg);
        return 1;
    }
    ftsa_net_free(&net);
    return 0;
}
