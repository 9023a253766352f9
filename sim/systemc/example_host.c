/* The example platform's host program: ordinary driver code (ftsa/driver.h)
 * that runs on whatever platform the C ABI is attached to. */
#include "example_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"

/* Every layer of the last inference of a and b equal. */
static int same_layers(const ftsa_dev_t *a, const ftsa_dev_t *b, const ftsa_net_t *net)
{
    for (uint32_t l = 0; l < net->n_layers; l++)
        if (memcmp(ftsa_dev_layer_output(a, l), ftsa_dev_layer_output(b, l),
                   ftsa_shape_elems(net->layers[l].out)))
            return 0;
    return 1;
}

int ftsa_example_run(const char *model, const char *data_dir, uint32_t images)
{
    ftsa_err_t err;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_dev_t *sc = NULL, *ref = NULL;
    int8_t *in = NULL;
    int rc = 1;
    if (ftsa_model_load(model, &net, &err)) {
        fprintf(stderr, "ftsa_sc_example: %s\n", err.msg);
        return 1;
    }
    if (ftsa_dataset_load(data_dir, FTSA_SPLIT_TEST, &ds, &err)) {
        fprintf(stderr, "ftsa_sc_example: %s\n", err.msg);
        ftsa_net_free(&net);
        return 1;
    }
    if (images > ds.count)
        images = ds.count;
    if (ftsa_dev_open("systemc", &net, NULL, &sc, &err) ||
        ftsa_dev_open("cmodel", &net, NULL, &ref, &err) ||
        !(in = malloc(ftsa_shape_elems(net.input)))) {
        fprintf(stderr, "ftsa_sc_example: %s\n", in ? err.msg : "out of memory");
        goto out;
    }
    uint32_t correct = 0, matched = 0;
    uint64_t cycles = 0;
    for (uint32_t i = 0; i < images; i++) {
        ftsa_net_quantize_pixels(&net, ftsa_dataset_image(&ds, i), in);
        if (ftsa_dev_infer(sc, in, &err) || ftsa_dev_infer(ref, in, &err)) {
            fprintf(stderr, "ftsa_sc_example: image %u: %s\n", i, err.msg);
            goto out;
        }
        correct += ftsa_dev_argmax(sc) == ds.labels[i];
        matched += same_layers(sc, ref, &net);
        for (uint32_t l = 0; l < net.n_layers; l++) {
            ftsa_layer_stats_t s;
            ftsa_dev_layer_stats(sc, l, &s);
            cycles += s.cycles;
        }
    }
    printf("%s on the SystemC platform: %u/%u correct, %llu layer cycles per inference, "
           "%u/%u images identical to the C model in every layer\n",
           model, correct, images, images ? (unsigned long long)(cycles / images) : 0ull, matched,
           images);
    rc = matched == images ? 0 : 1;
out:
    free(in);
    ftsa_dev_close(ref);
    ftsa_dev_close(sc);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
