/* perf_ref MODEL N: per-layer cycles of one inference on the rtl back end,
 * through the driver API (ftsa_dev_layer_stats), one "layer cycles" line per
 * layer; exit 77 when this build has no rtl back end.  cli_perf.sh compares
 * them with `ftsa perf`. */
#include <stdio.h>
#include <stdlib.h>

#include "ftsa/driver.h"
#include "ftsa/model_file.h"

#define SKIP 77

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: perf_ref MODEL N\n");
        return 2;
    }
    if (!ftsa_backend_find("rtl"))
        return SKIP;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dev_t *dev = NULL;
    ftsa_dev_opts_t opts = {.array_n = (uint32_t)strtoul(argv[2], NULL, 10)};
    if (ftsa_model_load(argv[1], &net, &err)) {
        fprintf(stderr, "perf_ref: %s\n", err.msg);
        return 1;
    }
    int8_t *input = calloc(ftsa_shape_elems(net.input), 1);
    int rc = 1;
    if (input && !ftsa_dev_open("rtl", &net, &opts, &dev, &err) &&
        !ftsa_dev_infer(dev, input, &err)) {
        for (uint32_t i = 0; i < net.n_layers; i++) {
            ftsa_layer_stats_t s;
            ftsa_dev_layer_stats(dev, i, &s);
            printf("%u %llu\n", i, (unsigned long long)s.cycles);
        }
        rc = 0;
    } else {
        fprintf(stderr, "perf_ref: %s\n", input ? err.msg : "out of memory");
    }
    ftsa_dev_close(dev);
    free(input);
    ftsa_net_free(&net);
    return rc;
}
