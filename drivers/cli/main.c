/* ftsa: fault-tolerant systolic-array accelerator tool. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ftsa/driver.h"
#include "ftsa_version.h"

static const ftsa_cmd_t commands[] = {
    {"eval", "top-1 accuracy of a model on Fashion-MNIST, on any back end", ftsa_cmd_eval},
    {"faults", "draw fault lists (ftsa faults gen)", ftsa_cmd_faults},
    {"run", "run test images under a fault list and compare with fault-free", ftsa_cmd_run},
    {"profile", "record per-neuron activation maxima in a model (validation slice)", ftsa_cmd_profile},
    {"train", "train a model-zoo network on Fashion-MNIST and write it as int8 .ftsa", ftsa_cmd_train},
    {"campaign", "fault-injection sweeps with statistics, plots, resume and MPI", ftsa_cmd_campaign},
    {"trace", "record, compare or print SRAM access traces (record, diff, show)", ftsa_cmd_trace},
    {"perf", "cycles and array utilization per layer on the cycle-accurate C model", ftsa_cmd_perf},
    {"mitigate", "bound activations: Ranger, FT-ClipAct search, FitAct post-training", ftsa_cmd_mitigate},
    {"compare-mitigations", "the same fault campaign on several models, one report",
     ftsa_cmd_compare_mitigations},
    {"export", "export vectors: a test-vector package for a plain Verilog bench", ftsa_cmd_export},
    {"equiv", "C model and RTL side by side: the first divergence of any layer", ftsa_cmd_equiv},
    {"silicon", "silicon compare: measured accuracy points against simulation", ftsa_cmd_silicon},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: ftsa COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-20s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'ftsa help COMMAND' (or 'ftsa COMMAND --help') describes a command's options;\n"
                 "'ftsa --version' prints the version, RTL revision and build options.\n");
}

static void version(void)
{
    printf("ftsa %s\n", FTSA_VERSION);
    printf("rtl %s\n", FTSA_RTL_REV);
    printf("source %s\n", FTSA_SOURCE_REV);
    printf("build %s\n", FTSA_BUILD_OPTIONS);
    printf("back ends");
    for (const ftsa_backend_ops_t *const *b = ftsa_backends(); *b; b++)
        printf(" %s", (*b)->name);
    printf("\nmodels %s\n", ftsa_cli_models_dir());
}

static const ftsa_cmd_t *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FTSA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
        version();
        return FTSA_EXIT_OK;
    }
    if (!strcmp(argv[1], "help") && argc >= 3) {
        /* ftsa help CMD [SUB]: CMD [SUB] --help. */
        const ftsa_cmd_t *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "ftsa help: unknown command '%s'\n\n", argv[2]);
            usage(stderr);
            return FTSA_EXIT_USAGE;
        }
        char *args[4] = {argv[2], argc >= 4 ? argv[3] : "--help", argc >= 4 ? "--help" : NULL,
                         NULL};
        return c->run(argc >= 4 ? 3 : 2, args);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return FTSA_EXIT_OK;
    }
    const ftsa_cmd_t *c = find(argv[1]);
    if (c)
        return c->run(argc - 1, argv + 1);
    fprintf(stderr, "ftsa: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return FTSA_EXIT_USAGE;
}
