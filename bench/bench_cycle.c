/* Speed of the C model's two paths against the RTL, per LeNet-5 inference on
 * Fashion-MNIST test images, through the one driver API:
 *   untimed  the cmodel back end fault-free (bulk layers, ref.h);
 *   timed    the cmodel back end under an SRAM-space fault that never fires
 *            (cycle-accurate model, hwmodel.h), and the same with an upset
 *            (every inference reloads the resident SRAMs first) and with the
 *            access trace recorded;
 *   rtl      the Verilated RTL back end.
 * Prints inferences/s of each and the ratios to the RTL.
 *
 *   build/bench/bench_cycle [MODEL] [IMAGES] [RTL_IMAGES]                    */
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

/* Inferences per second of `images` test images on an open device (0 on error). */
static double rate(ftsa_dev_t *dev, const ftsa_net_t *net, const ftsa_dataset_t *ds,
                   uint32_t images)
{
    ftsa_err_t err;
    uint32_t correct;
    double t0 = now();
    if (ftsa_dev_classify(dev, ds, 0, images, NULL, &correct, &err)) {
        fprintf(stderr, "bench_cycle: %s\n", err.msg);
        return 0;
    }
    (void)net;
    return images / (now() - t0);
}

static double run(const char *backend, const char *faults, int trace, const ftsa_net_t *net,
                  const ftsa_dataset_t *ds, uint32_t images)
{
    ftsa_err_t err;
    ftsa_dev_opts_t opts = {.array_n = 8};
    ftsa_dev_t *dev;
    if (ftsa_dev_open(backend, net, &opts, &dev, &err)) {
        fprintf(stderr, "bench_cycle: %s: %s\n", backend, err.msg);
        return 0;
    }
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    ftsa_trace_t t;
    ftsa_trace_init(&t, 8);
    double r = 0;
    if (faults && (ftsa_faults_parse(faults, "bench", &list, &err) ||
                   ftsa_dev_set_faults(dev, &list, &err)))
        fprintf(stderr, "bench_cycle: %s\n", err.msg);
    else if (trace && ftsa_dev_set_access_trace(dev, &t, &err))
        fprintf(stderr, "bench_cycle: %s\n", err.msg);
    else
        r = rate(dev, net, ds, images);
    ftsa_trace_free(&t);
    ftsa_faults_free(&list);
    ftsa_dev_close(dev);
    return r;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    uint32_t images = argc > 2 ? (uint32_t)atoi(argv[2]) : 2000;
    uint32_t rtl_images = argc > 3 ? (uint32_t)atoi(argv[3]) : 100;
    ftsa_err_t err;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    if (ftsa_model_load(model, &net, &err) || ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err)) {
        fprintf(stderr, "bench_cycle: %s\n", err.msg);
        return 1;
    }
    if (images > ds.count)
        images = ds.count;
    /* a stuck-at-0 on a weight word the network never reads */
    const char *idle = "sa0 weight 16383 0\n";
    const char *upset = "seu weight 16383 0 @100\n";
    struct {
        const char *name, *backend, *faults;
        int trace;
        uint32_t images;
        double rate;
    } rows[] = {
        {"cmodel untimed (fault-free)", "cmodel", NULL, 0, images, 0},
        {"cmodel timed (SRAM fault)", "cmodel", idle, 0, images, 0},
        {"cmodel timed (upset: reload)", "cmodel", upset, 0, images, 0},
        {"cmodel timed + access trace", "cmodel", NULL, 1, images, 0},
        {"rtl (Verilated, N=8)", "rtl", NULL, 0, rtl_images, 0},
    };
    size_t n_rows = sizeof rows / sizeof rows[0];
    for (size_t i = 0; i < n_rows; i++)
        rows[i].rate = run(rows[i].backend, rows[i].faults, rows[i].trace, &net, &ds, rows[i].images);
    double rtl = rows[n_rows - 1].rate;
    printf("bench_cycle %s: %s, LeNet-5 inferences on Fashion-MNIST test images, N=8\n", model,
           net.name);
    printf("%-30s %8s %12s %12s\n", "path", "images", "inf/s", "x RTL");
    for (size_t i = 0; i < n_rows; i++)
        printf("%-30s %8u %12.1f %12.1f\n", rows[i].name, rows[i].images, rows[i].rate,
               rtl > 0 ? rows[i].rate / rtl : 0.0);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
