/* SystemC platform speed against the plain Verilated RTL: the same network on
 * the same Fashion-MNIST test images through the driver API on the `systemc`
 * and `rtl` back ends (both N = 8).  Prints inferences per second, accelerator
 * cycles per second (the cycles between each layer's STAMP commands, the same
 * on both), and the ratio; best of PASSES passes.
 *
 *   build/bench/bench_systemc [MODEL] [IMAGES] [PASSES]                      */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double seconds; /* best pass */
    uint64_t cycles; /* accelerator cycles of one pass */
} result_t;

static int run(const char *backend, const ftsa_net_t *net, const ftsa_dataset_t *ds,
               uint32_t images, int passes, result_t *r)
{
    ftsa_err_t err;
    ftsa_dev_t *dev;
    int8_t *in = malloc(ftsa_shape_elems(net->input));
    if (!in || ftsa_dev_open(backend, net, NULL, &dev, &err)) {
        fprintf(stderr, "bench_systemc: %s: %s\n", backend, in ? err.msg : "out of memory");
        free(in);
        return 1;
    }
    r->seconds = 1e30;
    for (int p = 0; p < passes; p++) {
        uint64_t cycles = 0;
        double t0 = now();
        for (uint32_t i = 0; i < images; i++) {
            ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, i), in);
            if (ftsa_dev_infer(dev, in, &err)) {
                fprintf(stderr, "bench_systemc: %s: %s\n", backend, err.msg);
                ftsa_dev_close(dev);
                free(in);
                return 1;
            }
            for (uint32_t l = 0; l < net->n_layers; l++) {
                ftsa_layer_stats_t s;
                ftsa_dev_layer_stats(dev, l, &s);
                cycles += s.cycles;
            }
        }
        double t = now() - t0;
        if (t < r->seconds)
            r->seconds = t;
        r->cycles = cycles;
    }
    ftsa_dev_close(dev);
    free(in);
    return 0;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    uint32_t images = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100;
    int passes = argc > 3 ? atoi(argv[3]) : 3;
    const char *data = getenv("FTSA_DATA_DIR");
    ftsa_err_t err;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    if (ftsa_model_load(model, &net, &err) ||
        ftsa_dataset_load(data ? data : "/usr/share/datasets/fashion-mnist", FTSA_SPLIT_TEST, &ds,
                          &err)) {
        fprintf(stderr, "bench_systemc: %s\n", err.msg);
        return 1;
    }
    if (images < 1 || images > ds.count || passes < 1) {
        fprintf(stderr, "usage: bench_systemc [MODEL] [IMAGES 1..%u] [PASSES >= 1]\n", ds.count);
        return 2;
    }
    result_t rtl, sc;
    if (run("rtl", &net, &ds, images, passes, &rtl) ||
        run("systemc", &net, &ds, images, passes, &sc))
        return 1;
    printf("%s, %u images, best of %d passes, N = 8\n", model, images, passes);
    printf("reproduce: %s %s %u %d\n", argv[0], model, images, passes);
    printf("back end   inferences/s   accelerator Mcycles/s   cycles/inference\n");
    const result_t *r[2] = {&rtl, &sc};
    const char *name[2] = {"rtl", "systemc"};
    for (int i = 0; i < 2; i++)
        printf("%-9s  %12.1f   %21.3f   %16.0f\n", name[i], images / r[i]->seconds,
               (double)r[i]->cycles / r[i]->seconds / 1e6, (double)r[i]->cycles / images);
    printf("systemc / rtl speed ratio: %.2f\n", rtl.seconds / sc.seconds);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
