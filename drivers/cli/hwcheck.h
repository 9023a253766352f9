/* Shared by the hardware-check commands (ftsa export vectors, equiv,
 * silicon compare): where their inputs come from. */
#ifndef FTSA_CLI_HWCHECK_H
#define FTSA_CLI_HWCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/net.h"

/* Inputs of a hardware check (ftsa export vectors, equiv, silicon): `images`
 * Fashion-MNIST test images from `first` (data: NULL for the default
 * directory) or, with random, ftsa_netgen_input with seed + k for input k. */
typedef struct {
    uint32_t images, first;
    int random;
    uint64_t seed;
    const char *data;
} ftsa_cli_inputs_t;
/* The inputs back to back (malloc'd), labels (may be NULL; data set only)
 * and a description in desc; NULL after printing the error. */
int8_t *ftsa_cli_inputs(const char *cmd, const ftsa_cli_inputs_t *src, const ftsa_net_t *net,
                        uint8_t *labels, char *desc, size_t dlen);

/* The input options every hardware check takes, for getopt_long tables. */
#define FTSA_CLI_INPUT_OPTIONS                                                                     \
    {"images", required_argument, 0, 'k'}, {"inputs", required_argument, 0, 'i'},                \
        {"first", required_argument, 0, 'F'}, {"seed", required_argument, 0, 's'},                \
        {"data", required_argument, 0, 'd'}
#define FTSA_CLI_INPUT_HELP                                                                        \
    "  --inputs SRC     dataset: Fashion-MNIST test images from --first (default);\n"             \
    "                   random: ftsa_netgen_input with seed S + k for input k\n"                  \
    "  --first I        first test image (default 0)\n"                                           \
    "  --seed S         seed of random inputs (default 1)\n"                                      \
    "  --data DIR       Fashion-MNIST directory (default $FTSA_DATA_DIR)\n"
/* Handle getopt character c of FTSA_CLI_INPUT_OPTIONS: 1 handled, 0 not one
 * of them, -1 bad value (printed). */
int ftsa_cli_inputs_opt(const char *cmd, int c, const char *arg, uint32_t max_images,
                        ftsa_cli_inputs_t *in);

#endif
