/* Trainer speed: seconds per LeNet-5 epoch (Adam, batch 64, 55000 training
 * images), timed over the training steps and the held-out evaluation that
 * close each epoch.  Wall time and process CPU time are both printed: on a
 * shared machine the second is the steadier figure.  Prints the command that
 * reproduces them.
 *
 *   OPENBLAS_NUM_THREADS=2 build/bench/bench_train [EPOCHS] [BATCH]        */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ftsa/dataset.h"
#include "ftsa/train.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int epochs = argc > 1 ? atoi(argv[1]) : 2;
    int batch = argc > 2 ? atoi(argv[2]) : 64;
    if (epochs < 1 || epochs > 100 || batch < 1 || batch > 4096) {
        fprintf(stderr, "bench_train: EPOCHS must be 1..100, BATCH 1..4096\n");
        return 1;
    }
    ftsa_err_t err;
    ftsa_dataset_t ds;
    ftsa_tnet_t net;
    ftsa_trainer_t t;
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = (uint32_t)epochs;
    cfg.batch = (uint32_t)batch;
    if (ftsa_dataset_load(NULL, FTSA_SPLIT_TRAIN, &ds, &err) ||
        ftsa_tnet_build_arch(&net, "lenet5", cfg.batch, &err) ||
        ftsa_trainer_init(&t, &cfg, &net, &ds, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    double t0 = now();
    clock_t c0 = clock();
    if (ftsa_trainer_run(&t, NULL, NULL, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    double secs = (now() - t0) / epochs;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC / epochs;
    const char *threads = getenv("OPENBLAS_NUM_THREADS");
    printf("lenet5 training, adam, batch %d, %u images/epoch, OPENBLAS_NUM_THREADS=%s: "
           "%.2f s/epoch wall, %.2f s/epoch CPU (mean of %d)\n",
           batch, t.n_train, threads ? threads : "(unset)", secs, cpu, epochs);
    printf("reproduce: OPENBLAS_NUM_THREADS=%s %s %d %d\n", threads ? threads : "2", argv[0],
           epochs, batch);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
    ftsa_dataset_free(&ds);
    return 0;
}
