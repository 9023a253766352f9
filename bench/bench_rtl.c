/* RTL throughput and hardware figures: Verilated ftsa_top running a model on
 * Fashion-MNIST test images, for N = 8 and N = 16.  Prints simulated cycles
 * per second, inferences per second, cycles per inference (whole command
 * stream, including input load and the stores of every layer's output) and,
 * per layer, cycles and array utilization (useful MACs / (N^2 x cycles)).
 *
 *   build/bench/bench_rtl [MODEL] [IMAGES]                                  */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ftsa/compile.h"
#include "ftsa/dataset.h"
#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/sim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int bench(const ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t n, int images)
{
    ftsa_err_t err;
    ftsa_sim_t *sim;
    ftsa_hw_cfg_t hw;
    ftsa_program_t prog;
    if (ftsa_sim_create(n, 0, NULL, &sim, &err))
        goto fail;
    hw = (ftsa_hw_cfg_t){.array_n = n,
                         .wgt_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_WGT_DEPTH),
                         .act_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_ACT_DEPTH),
                         .acc_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_ACC_DEPTH),
                         .par_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_PAR_DEPTH),
                         .thr_depth = ftsa_sim_csr_read(sim, FTSA_HW_CSR_HW_THR_DEPTH)};
    ftsa_sim_destroy(sim);
    if (ftsa_compile(net, &hw, &prog, &err) ||
        ftsa_sim_create(n, prog.image_bytes, NULL, &sim, &err))
        goto fail;
    uint8_t *host = ftsa_sim_host(sim, NULL);
    for (size_t i = 0; i < prog.image_bytes; i++)
        host[i] = prog.image[i];
    uint64_t c0 = ftsa_sim_cycle(sim);
    if (ftsa_sim_run(sim, prog.setup_addr, 1ull << 32, &err))
        goto fail;
    uint64_t setup = ftsa_sim_cycle(sim) - c0;
    uint32_t elems = ftsa_shape_elems(net->input);
    int8_t *in = malloc(elems);
    uint64_t *layer_cycles = calloc(net->n_layers, sizeof *layer_cycles);
    if (!in || !layer_cycles)
        return 1;
    double t0 = now();
    c0 = ftsa_sim_cycle(sim);
    for (int i = 0; i < images; i++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, (uint32_t)i), in);
        ftsa_program_pack_input(&prog, in, host);
        if (ftsa_sim_run(sim, prog.infer_addr, 1ull << 32, &err))
            goto fail;
        for (uint32_t l = 0; l < net->n_layers; l++) {
            const uint8_t *s = host + prog.layers[l].stamp;
            layer_cycles[l] += get32(s + 4) - get32(s);
        }
    }
    double secs = now() - t0;
    uint64_t cycles = ftsa_sim_cycle(sim) - c0;
    printf("\nN=%u  %s: %d images, setup (resident weights) %llu cycles\n", n, net->name, images,
           (unsigned long long)setup);
    printf("  simulated %.0f cycles/s, %.1f inferences/s, %.0f cycles per inference\n",
           (double)cycles / secs, images / secs, (double)cycles / images);
    printf("  %-5s %-8s %-12s %12s %12s %7s\n", "layer", "kind", "output", "cycles", "MACs", "util");
    uint64_t macs_total = 0, layer_total = 0;
    for (uint32_t l = 0; l < net->n_layers; l++) {
        const ftsa_layer_t *L = &net->layers[l];
        double c = (double)layer_cycles[l] / images;
        uint64_t macs = ftsa_layer_macs(L);
        macs_total += macs, layer_total += layer_cycles[l];
        char shape[32];
        snprintf(shape, sizeof shape, "%ux%ux%u", L->out.h, L->out.w, L->out.c);
        printf("  %-5u %-8s %-12s %12.0f %12llu %6.1f%%\n", l, ftsa_layer_kind_name(L->kind), shape,
               c, (unsigned long long)macs, c > 0 ? 100.0 * (double)macs / ((double)n * n * c) : 0.0);
    }
    printf("  layers %.0f cycles, whole stream %.0f (input load, output stores), overall util %.1f%%\n",
           (double)layer_total / images, (double)cycles / images,
           100.0 * (double)macs_total * images / ((double)n * n * (double)cycles));
    free(in);
    free(layer_cycles);
    ftsa_program_free(&prog);
    ftsa_sim_destroy(sim);
    return 0;
fail:
    fprintf(stderr, "bench_rtl: N=%u: %s\n", n, err.msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : FTSA_MODELS_DIR "/lenet5.ftsa";
    int images = argc > 2 ? atoi(argv[2]) : 200;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_err_t err;
    if (ftsa_model_load(model, &net, &err) || ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err)) {
        fprintf(stderr, "bench_rtl: %s\n", err.msg);
        return 1;
    }
    if (images < 1 || (uint32_t)images > ds.count) {
        fprintf(stderr, "bench_rtl: IMAGES must be 1..%u\n", ds.count);
        return 1;
    }
    printf("command: %s %s %d\n", argv[0], model, images);
    int rc = 0;
    for (uint32_t n = 8; n <= 16; n *= 2)
        rc |= bench(&net, &ds, n, images);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
