/* ftsa profile: record per-neuron activation maxima in a model. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/model_file.h"
#include "ftsa/profile.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa profile --out FILE [--model FILE] [--first I] [--images N] [--data DIR]\n\n"
            "Runs the model fault-free over a slice of the TRAINING set (by default the last\n"
            "%u images, which the trainer holds out; never the test set) and writes the model\n"
            "with the largest requantized output of every neuron of every conv/fc layer.\n"
            "Per-layer and per-channel maxima are printed.\n\n"
            "  --out FILE    profiled model to write (may equal --model)\n"
            "  --model FILE  .ftsa model (default %s)\n"
            "  --first I     first training image (default %u)\n"
            "  --images N    number of images (default %u)\n"
            "  --data DIR    Fashion-MNIST directory\n",
            FTSA_PROFILE_COUNT, ftsa_cli_default_model(), FTSA_PROFILE_FIRST, FTSA_PROFILE_COUNT);
}

int ftsa_cmd_profile(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},    {"model", required_argument, 0, 'm'},
        {"first", required_argument, 0, 'f'},  {"images", required_argument, 0, 'n'},
        {"data", required_argument, 0, 'd'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "profile", *model = ftsa_cli_default_model(), *out = NULL, *data = NULL;
    uint32_t first = FTSA_PROFILE_FIRST, images = FTSA_PROFILE_COUNT;
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': model = optarg; break;
        case 'f':
            if (ftsa_cli_u32(cmd, "--first", optarg, 0, 59999, &first))
                return FTSA_EXIT_USAGE;
            break;
        case 'n':
            if (ftsa_cli_u32(cmd, "--images", optarg, 1, 60000, &images))
                return FTSA_EXIT_USAGE;
            break;
        case 'd': data = optarg; break;
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc || !out) {
        ftsa_cli_error(cmd, optind < argc ? "unexpected argument '%s'" : "--out FILE is required%s",
                       optind < argc ? argv[optind] : "");
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_check_output(cmd, "--out", out))
        return FTSA_EXIT_FAIL;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds = {0};
    int rc = FTSA_EXIT_FAIL;
    if (ftsa_model_load(model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    if (ftsa_dataset_load(data, FTSA_SPLIT_TRAIN, &ds, &err) ||
        ftsa_profile_dataset(&net, &ds, first, images, &err) || ftsa_model_save(&net, out, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        goto done;
    }
    printf("profiled %s over training images %u..%u -> %s\n", model, first, first + images - 1, out);
    printf("%-5s %-8s %-10s %9s %s\n", "layer", "kind", "zero point", "layer max", "channel max");
    for (uint32_t i = 0; i < net.n_layers; i++) {
        const ftsa_layer_t *l = &net.layers[i];
        if (!l->prof_max)
            continue;
        printf("%-5u %-8s %10d %9d ", i, ftsa_layer_kind_name(l->kind), l->out_zp,
               ftsa_profile_layer_max(l));
        for (uint32_t ch = 0; ch < l->out.c && ch < 16; ch++)
            printf(" %d", ftsa_profile_channel_max(l, ch));
        printf(l->out.c > 16 ? " ...\n" : "\n");
    }
    rc = FTSA_EXIT_OK;
done:
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
