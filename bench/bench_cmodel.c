/* Reference-model throughput on the Fashion-MNIST test set, each figure
 * beside its reference in one run:
 *   - one core, image by image (ftsa_ref_run), as a fraction of this CPU's
 *     int8 ceiling (int8 MACs per cycle from /proc/cpuinfo's flags, times
 *     its clock, divided by the model's MACs per image);
 *   - through the driver (ftsa_dev_classify, the path of eval and campaigns)
 *     on 1 and on THREADS threads, and their ratio.
 * Prints the command that reproduces the figures.
 *
 *   build/bench/bench_cmodel [MODEL] [IMAGES] [REPEATS] [THREADS]           */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"
#include "ftsa/ref.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* int8 multiply-accumulates per cycle and core, and the clock in MHz, from
 * /proc/cpuinfo: two 512-bit VNNI units (vpdpbusd: 64 MACs each) with
 * avx512_vnni, two 256-bit ones with avx_vnni or avx2 (vpmaddubsw), else
 * 16.  The flag names the instruction set, not the number of units: the
 * figure is the customary peak, an upper bound. */
static void cpu_ceiling(unsigned *macs_per_cycle, double *mhz, const char **isa)
{
    *macs_per_cycle = 16, *mhz = 0, *isa = "scalar";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[8192];
    int flags_seen = 0;
    while (fgets(line, sizeof line, f)) {
        if (!*mhz && !strncmp(line, "cpu MHz", 7) && strchr(line, ':'))
            *mhz = atof(strchr(line, ':') + 1);
        if (flags_seen || strncmp(line, "flags", 5))
            continue;
        flags_seen = 1;
        if (strstr(line, " avx512_vnni"))
            *macs_per_cycle = 128, *isa = "AVX-512 VNNI";
        else if (strstr(line, " avx_vnni") || strstr(line, " avx2"))
            *macs_per_cycle = 64, *isa = strstr(line, " avx_vnni") ? "AVX-VNNI" : "AVX2";
    }
    fclose(f);
}

/* Images per second of ftsa_dev_classify on `threads` threads (best of repeats). */
static double classify_rate(const ftsa_net_t *net, const ftsa_dataset_t *ds, int images,
                            int repeats, uint32_t threads)
{
    ftsa_err_t err;
    ftsa_dev_t *dev;
    ftsa_dev_opts_t opts = {.threads = threads};
    if (ftsa_dev_open("cmodel", net, &opts, &dev, &err)) {
        fprintf(stderr, "bench_cmodel: %s\n", err.msg);
        return 0;
    }
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        uint32_t correct;
        double t0 = now();
        if (ftsa_dev_classify(dev, ds, 0, (uint32_t)images, NULL, &correct, &err)) {
            fprintf(stderr, "bench_cmodel: %s\n", err.msg);
            break;
        }
        double t = now() - t0;
        best = t < best ? t : best;
    }
    ftsa_dev_close(dev);
    return images / best;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    int images = argc > 2 ? atoi(argv[2]) : 10000;
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    uint32_t threads = argc > 4 ? (uint32_t)atoi(argv[4]) : 2;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_ref_t ref;
    ftsa_err_t err;
    if (ftsa_model_load(model, &net, &err) || ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err) ||
        ftsa_ref_init(&ref, &net, &err)) {
        fprintf(stderr, "bench_cmodel: %s\n", err.msg);
        return 1;
    }
    if (images < 1 || (uint32_t)images > ds.count || repeats < 1 || threads < 1) {
        fprintf(stderr, "bench_cmodel: IMAGES must be 1..%u, REPEATS and THREADS >= 1\n", ds.count);
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
    unsigned mpc;
    double mhz;
    const char *isa;
    cpu_ceiling(&mpc, &mhz, &isa);
    double ceiling = mhz * 1e6 * mpc / (double)macs, one = images / best;
    FILE *lf = fopen("/proc/loadavg", "r");
    double load = 0;
    if (lf) {
        if (fscanf(lf, "%lf", &load) != 1)
            load = 0;
        fclose(lf);
    }
    printf("command: %s %s %d %d %u   (load average %.2f at the start)\n", argv[0], model, images,
           repeats, threads, load);
    printf("model %s: %llu MACs/inference, accuracy %.2f%%\n", net.name, (unsigned long long)macs,
           100.0 * correct / images);
    printf("int8 ceiling, one core: %.0f MHz x %u MAC/cycle (%s) / %llu MAC = %.0f images/s\n", mhz,
           mpc, isa, (unsigned long long)macs, ceiling);
    printf("C model, 1 core, image by image: %.0f inferences/s (best of %d runs of %d images), "
           "%.2f GMAC/s, %.1f%% of the ceiling\n",
           one, repeats, images, (double)macs * one * 1e-9, ceiling > 0 ? 100.0 * one / ceiling : 0);
    double c1 = classify_rate(&net, &ds, images, repeats, 1);
    double cn = classify_rate(&net, &ds, images, repeats, threads);
    printf("ftsa_dev_classify, 1 thread: %.0f inferences/s; %u threads: %.0f inferences/s "
           "(%.2fx one thread)\n",
           c1, threads, cn, c1 > 0 ? cn / c1 : 0);
    free(inputs);
    ftsa_ref_free(&ref);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
