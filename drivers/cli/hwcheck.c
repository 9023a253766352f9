/* Inputs of the hardware-check commands (hwcheck.h). */
#include "hwcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/netgen.h"

int ftsa_cli_inputs_opt(const char *cmd, int c, const char *arg, uint32_t max_images,
                        ftsa_cli_inputs_t *in)
{
    switch (c) {
    case 'k': return ftsa_cli_u32(cmd, "--images", arg, 1, max_images, &in->images) ? -1 : 1;
    case 'F': return ftsa_cli_u32(cmd, "--first", arg, 0, 100000, &in->first) ? -1 : 1;
    case 's': return ftsa_cli_u64(cmd, "--seed", arg, &in->seed) ? -1 : 1;
    case 'd': in->data = arg; return 1;
    case 'i':
        if (strcmp(arg, "dataset") && strcmp(arg, "random")) {
            ftsa_cli_error(cmd, "--inputs: '%s' is neither dataset nor random", arg);
            return -1;
        }
        in->random = !strcmp(arg, "random");
        return 1;
    default: return 0;
    }
}

int8_t *ftsa_cli_inputs(const char *cmd, const ftsa_cli_inputs_t *src, const ftsa_net_t *net,
                        uint8_t *labels, char *desc, size_t dlen)
{
    size_t elems = ftsa_shape_elems(net->input);
    int8_t *in = malloc(elems * src->images);
    if (!in) {
        ftsa_cli_error(cmd, "out of memory for %u inputs", src->images);
        return NULL;
    }
    if (src->random) {
        for (uint32_t k = 0; k < src->images; k++)
            ftsa_netgen_input(net, src->seed + k, in + k * elems);
        snprintf(desc, dlen, "random (ftsa_netgen_input, seeds %llu..%llu)",
                 (unsigned long long)src->seed, (unsigned long long)(src->seed + src->images - 1));
        return in;
    }
    ftsa_err_t err = {0};
    ftsa_dataset_t ds;
    if (ftsa_dataset_load(src->data, FTSA_SPLIT_TEST, &ds, &err)) {
        ftsa_cli_error(cmd, "%s (or use --inputs random)", err.msg);
        free(in);
        return NULL;
    }
    int ok = 1;
    if (ds.rows * ds.cols != elems) {
        ftsa_cli_error(cmd, "the model expects %ux%ux%u inputs, the data set has %ux%u images "
                       "(use --inputs random)", net->input.h, net->input.w, net->input.c,
                       ds.rows, ds.cols);
        ok = 0;
    } else if ((uint64_t)src->first + src->images > ds.count) {
        ftsa_cli_error(cmd, "--first %u --images %u: the test set has %u images", src->first,
                       src->images, ds.count);
        ok = 0;
    }
    for (uint32_t k = 0; ok && k < src->images; k++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(&ds, src->first + k), in + k * elems);
        if (labels)
            labels[k] = ds.labels[src->first + k];
    }
    snprintf(desc, dlen, "Fashion-MNIST test images %u..%u", src->first,
             src->first + src->images - 1);
    ftsa_dataset_free(&ds);
    if (!ok) {
        free(in);
        return NULL;
    }
    return in;
}
