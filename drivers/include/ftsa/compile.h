/* Compiler from a quantized network to the accelerator's command stream
 * (encoding: scripts/hw_regs.txt -> ftsa/hw_regs.h; docs/hardware.md).
 *
 * The result is a host-memory image: a setup stream that loads what stays
 * resident in the SRAMs (weights, parameters, thresholds when they fit), an
 * inference stream (input load, every layer, stores of every layer's output,
 * cycle stamps around each layer), and the data both read.  Layers larger than
 * the array or the SRAMs are tiled here: output-channel tiles of N, input tiles
 * of N channels per kernel tap, position tiles of whole rows that fit the
 * accumulator, and weight chunks streamed when the weights do not fit. */
#ifndef FTSA_COMPILE_H
#define FTSA_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/net.h"

/* What the compiler may use: the array side and SRAM depths in words. */
typedef struct {
    uint32_t array_n;
    uint32_t wgt_depth, act_depth, acc_depth, par_depth, thr_depth;
} ftsa_hw_cfg_t;

/* A growable command stream of 32-bit words (two per command). */
typedef struct {
    uint32_t *words;
    size_t n, cap;
    int oom; /* set when an append failed; checked once at the end */
} ftsa_cmdbuf_t;

void ftsa_cmd_init(ftsa_cmdbuf_t *cb);
void ftsa_cmd_free(ftsa_cmdbuf_t *cb);
void ftsa_cmd_emit(ftsa_cmdbuf_t *cb, uint32_t op, uint32_t arg_a, uint32_t arg_b);
void ftsa_cmd_set(ftsa_cmdbuf_t *cb, uint32_t reg, uint32_t value);
/* DMA between host byte address host and memory mem from word sram. */
void ftsa_cmd_dma(ftsa_cmdbuf_t *cb, int store, uint32_t mem, uint32_t sram, uint32_t words,
                  uint32_t host);
void ftsa_cmd_pass(ftsa_cmdbuf_t *cb, uint32_t ky, uint32_t kx, uint32_t ctile, int first,
                   int last, uint32_t wgt_addr, uint32_t octile);

/* Where a layer's output lives: physical layout h x w x c padded to words of
 * N channels (ct words per pixel), in activation buffer buf and, after each
 * inference, at host byte address host. */
typedef struct {
    uint32_t h, w, c, ct;
    uint32_t buf;
    uint32_t host;
    uint32_t stamp;      /* host address of two uint32 cycle stamps (start, end) */
    int on_hw;           /* 0: flatten, a no-op whose output is its input's bytes */
} ftsa_tensor_map_t;

typedef struct {
    ftsa_hw_cfg_t hw;
    uint8_t *image;          /* host-memory image, image_bytes long */
    size_t image_bytes;
    uint32_t setup_addr;     /* setup command stream (run once after loading the image) */
    uint32_t infer_addr;     /* inference command stream */
    ftsa_tensor_map_t input; /* network input */
    uint32_t n_layers;
    ftsa_tensor_map_t *layers;
    uint32_t wgt_resident;   /* 1 when every layer's weights stay in the weight SRAM */
} ftsa_program_t;

/* Compile net for hw.  FTSA_E_UNSUPPORTED when a tensor does not fit an
 * activation buffer or a geometry exceeds what the hardware encodes. */
ftsa_status_t ftsa_compile(const ftsa_net_t *net, const ftsa_hw_cfg_t *hw, ftsa_program_t *prog,
                           ftsa_err_t *err);
void ftsa_program_free(ftsa_program_t *prog);

/* Write an input (HWC int8) into host memory host in the program's layout. */
void ftsa_program_pack_input(const ftsa_program_t *prog, const int8_t *input, uint8_t *host);
/* Read a stored tensor (map from the program) from host memory into HWC int8. */
void ftsa_program_unpack(const ftsa_program_t *prog, const ftsa_tensor_map_t *map,
                         const uint8_t *host, int8_t *out);

#endif
