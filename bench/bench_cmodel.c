/* C-model throughput on one core: inferences per second for a model on the
 * Fashion-MNIST test set.  Prints the command that reproduces the figure.
 *
 *   build/bench/bench_cmodel [MODEL] [IMAGES] [REPEATS]                     */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ftsa/dataset.h"
#include "ftsa/model_file.h"
#include "ftsa/ref.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    int images = argc > 2 ? atoi(argv[2]) : 10000;
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_ref_t ref;
    ftsa_err_t err;
    if (ftsa_model_load(model, &net, &err) || ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err) ||
        ftsa_ref_init(&ref, &net, &err)) {
        fprintf(stderr, "bench_cmodel: %s\n", err.msg);
        return 1;
    }
    if (images < 1 || (uint32_t)images > ds.count || repeats < 1) {
        fprintf(stderr, "bench_cmodel: IMAGES must be 1..%u, REPEATS >= 1\n", ds.count);
        return 1;
    }
    uint32_t n = ftsa_shape_elems(net.input);
    int8_t *inputs = malloc((size_t)images * n);
    for (int i = 0; i < images; i++)
        ftsa_net_quantize_pixels(&net, ftsa_dataset_image(&ds, (uint32_t)i), inputs + (size_t)i * n);
    double best = 1e30;
    uint32_t correct = 0;
    for (int r = 0; r < repeats; r++) {
        correct = 0;
        double t0 = now();
        for (int i = 0; i < images; i++) {
            ftsa_ref_run(&ref, inputs + (size_t)i * n);
            correct += ftsa_ref_argmax(&ref) == ds.labels[i];
        }
        double t = now() - t0;
        best = t < best ? t : best;
    }
    uint64_t macs = 0;
    for (uint32_t i = 0; i < net.n_layers; i++)
        macs += ftsa_layer_macs(&net.layers[i]);
    printf("command: %s %s %d %d\n", argv[0], model, images, repeats);
    printf("model %s: %llu MACs/inference, accuracy %.2f%%\n", net.name, (unsigned long long)macs,
           100.0 * correct / images);
    printf("C model, 1 core: %.0f inferences/s (best of %d runs of %d images), %.2f GMAC/s\n",
           images / best, repeats, images, (double)macs * images / best * 1e-9);
    free(inputs);
    ftsa_ref_free(&ref);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
