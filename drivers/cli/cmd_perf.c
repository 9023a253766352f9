/* ftsa perf: cycles, MACs and array utilization per layer of any network on
 * any array size, from the cycle-accurate C model (no RTL simulation). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ftsa/compile.h"
#include "ftsa/hwmodel.h"
#include "ftsa/model_file.h"

typedef struct {
    uint32_t array_n;
    double clock_mhz;
    uint64_t setup_cycles, infer_cycles;
    uint64_t *layer_cycles; /* STAMP to STAMP, per layer */
    int wgt_resident;
} perf_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa perf [--model FILE] [--array N] [--clock-mhz F] [--csv | --json]\n\n"
            "Compiles the model for an N x N array and runs one inference on the\n"
            "cycle-accurate C model of the accelerator (the RTL's timing, without the RTL).\n"
            "Prints per layer: kind, output shape, cycles (STAMP to STAMP, as the rtl back\n"
            "end reports them), MACs and array utilization = MACs / (cycles x N^2); then\n"
            "the cycles of a whole inference (input load, layers, output stores),\n"
            "inferences/s at the clock, the one-off setup stream, and whether all weights\n"
            "stay resident in the weight SRAM.\n\n"
            "  --model FILE     .ftsa model (default %s)\n"
            "  --array N        array side, a multiple of 4 in 4..64 (default 8)\n"
            "  --clock-mhz F    clock for inferences/s (default 500)\n"
            "  --csv            machine-readable output (docs/hardware.md, \"ftsa perf\")\n"
            "  --json           the same figures as one JSON object\n",
            ftsa_cli_default_model());
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static ftsa_status_t measure(const ftsa_net_t *net, perf_t *p, ftsa_err_t *err)
{
    ftsa_cli_hw_run_t run;
    ftsa_status_t st = ftsa_cli_hw_run(net, p->array_n, NULL, &run, err);
    if (st)
        return st;
    p->setup_cycles = run.setup_cycles;
    p->infer_cycles = run.infer_cycles;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const uint8_t *stamp = run.prog.image + run.prog.layers[i].stamp;
        p->layer_cycles[i] = (uint32_t)(read_u32(stamp + 4) - read_u32(stamp));
    }
    p->wgt_resident = run.prog.wgt_resident != 0;
    ftsa_cli_hw_run_free(&run);
    return FTSA_OK;
}

static uint64_t layer_macs(const ftsa_layer_t *l)
{
    return ftsa_layer_has_weights(l) ? (uint64_t)ftsa_layer_fan_in(l) * ftsa_shape_elems(l->out)
                                     : 0;
}

static double utilization(uint64_t macs, uint64_t cycles, uint32_t n)
{
    return cycles ? (double)macs / ((double)cycles * n * n) : 0.0;
}

static void print_table(const char *model, const ftsa_net_t *net, const perf_t *p)
{
    uint64_t macs = 0, in_layers = 0;
    printf("%s on a %ux%u array (cycle-accurate C model)\n\n", model, p->array_n, p->array_n);
    printf("%-5s %-15s %-12s %10s %10s %7s\n", "layer", "kind", "output", "cycles", "MACs",
           "util");
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        char shape[40];
        snprintf(shape, sizeof shape, "%ux%ux%u", l->out.h, l->out.w, l->out.c);
        uint64_t lm = layer_macs(l);
        printf("%-5u %-15s %-12s %10llu ", i, ftsa_layer_kind_name(l->kind), shape,
               (unsigned long long)p->layer_cycles[i]);
        if (lm)
            printf("%10llu %6.1f%%\n", (unsigned long long)lm,
                   100.0 * utilization(lm, p->layer_cycles[i], p->array_n));
        else
            printf("%10s %7s\n", "-", "-");
        macs += lm;
        in_layers += p->layer_cycles[i];
    }
    printf("\ncycles per inference: %llu (layers %llu; input load, output stores and "
           "the rest %llu)\n", (unsigned long long)p->infer_cycles,
           (unsigned long long)in_layers, (unsigned long long)(p->infer_cycles - in_layers));
    printf("MACs per inference:   %llu (array utilization %.1f%%)\n", (unsigned long long)macs,
           100.0 * utilization(macs, p->infer_cycles, p->array_n));
    printf("inferences/s:         %.0f at %g MHz\n",
           p->infer_cycles ? p->clock_mhz * 1e6 / (double)p->infer_cycles : 0.0, p->clock_mhz);
    printf("setup stream (once):  %llu cycles\n", (unsigned long long)p->setup_cycles);
    printf("weights resident:     %s\n", p->wgt_resident ? "yes" : "no (streamed each inference)");
}

/* One table: a row per layer, then "total" (one inference) and "setup". */
static void print_csv(const ftsa_net_t *net, const perf_t *p)
{
    uint64_t macs = 0;
    printf("array_n,layer,kind,out_h,out_w,out_c,cycles,macs,utilization,clock_mhz,"
           "inferences_per_s,weights_resident\n");
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        uint64_t lm = layer_macs(l);
        macs += lm;
        printf("%u,%u,%s,%u,%u,%u,%llu,%llu,", p->array_n, i, ftsa_layer_kind_name(l->kind),
               l->out.h, l->out.w, l->out.c, (unsigned long long)p->layer_cycles[i],
               (unsigned long long)lm);
        if (lm)
            printf("%.4f", utilization(lm, p->layer_cycles[i], p->array_n));
        printf(",,,\n");
    }
    printf("%u,total,inference,,,,%llu,%llu,%.4f,%g,%.1f,%d\n", p->array_n,
           (unsigned long long)p->infer_cycles, (unsigned long long)macs,
           utilization(macs, p->infer_cycles, p->array_n), p->clock_mhz,
           p->infer_cycles ? p->clock_mhz * 1e6 / (double)p->infer_cycles : 0.0,
           p->wgt_resident);
    printf("%u,setup,setup,,,,%llu,,,,,\n", p->array_n, (unsigned long long)p->setup_cycles);
}

/* The same figures as one JSON object (utilization null where a layer has no MACs). */
static void print_json(const char *model, const ftsa_net_t *net, const perf_t *p)
{
    uint64_t macs = 0;
    printf("{\"command\": \"perf\", \"model\": ");
    ftsa_cli_json_str(stdout, model);
    printf(", \"array_n\": %u, \"layers\": [", p->array_n);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        uint64_t lm = layer_macs(l);
        macs += lm;
        printf("%s{\"layer\": %u, \"kind\": \"%s\", \"output\": [%u, %u, %u], \"cycles\": %llu, "
               "\"macs\": %llu, \"utilization\": ",
               i ? ", " : "", i, ftsa_layer_kind_name(l->kind), l->out.h, l->out.w, l->out.c,
               (unsigned long long)p->layer_cycles[i], (unsigned long long)lm);
        ftsa_cli_json_num(stdout, lm ? utilization(lm, p->layer_cycles[i], p->array_n) : NAN);
        printf("}");
    }
    printf("], \"inference_cycles\": %llu, \"macs\": %llu, \"utilization\": %.4f, "
           "\"clock_mhz\": ",
           (unsigned long long)p->infer_cycles, (unsigned long long)macs,
           utilization(macs, p->infer_cycles, p->array_n));
    ftsa_cli_json_num(stdout, p->clock_mhz);
    printf(", \"inferences_per_s\": ");
    ftsa_cli_json_num(stdout, p->infer_cycles ? p->clock_mhz * 1e6 / (double)p->infer_cycles : 0.0);
    printf(", \"setup_cycles\": %llu, \"weights_resident\": %s}\n",
           (unsigned long long)p->setup_cycles, p->wgt_resident ? "true" : "false");
}

int ftsa_cmd_perf(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"array", required_argument, 0, 'n'},
        {"clock-mhz", required_argument, 0, 'c'}, {"csv", no_argument, 0, 'v'},
        {"json", no_argument, 0, 'j'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "perf", *model = ftsa_cli_default_model();
    perf_t p = {.array_n = 8, .clock_mhz = 500.0};
    int csv = 0, json = 0, c;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'n':
            if (ftsa_cli_u32(cmd, "--array", optarg, 4, 64, &p.array_n))
                return FTSA_EXIT_USAGE;
            if (p.array_n % 4) {
                ftsa_cli_error(cmd, "--array: %u is not a multiple of 4", p.array_n);
                return FTSA_EXIT_USAGE;
            }
            break;
        case 'c':
            if (ftsa_cli_double(cmd, "--clock-mhz", optarg, &p.clock_mhz))
                return FTSA_EXIT_USAGE;
            if (!(p.clock_mhz > 0)) {
                ftsa_cli_error(cmd, "--clock-mhz: %s is not a positive frequency", optarg);
                return FTSA_EXIT_USAGE;
            }
            break;
        case 'v': csv = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_model_load(model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    int rc = FTSA_EXIT_FAIL;
    p.layer_cycles = calloc(net.n_layers, sizeof *p.layer_cycles);
    if (!p.layer_cycles)
        ftsa_cli_error(cmd, "out of memory");
    else if (measure(&net, &p, &err))
        ftsa_cli_error(cmd, "%s: %s", model, err.msg);
    else {
        if (json)
            print_json(model, &net, &p);
        else if (csv)
            print_csv(&net, &p);
        else
            print_table(model, &net, &p);
        rc = FTSA_EXIT_OK;
    }
    free(p.layer_cycles);
    ftsa_net_free(&net);
    return rc;
}
