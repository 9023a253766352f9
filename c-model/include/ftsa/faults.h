/* Memory fault lists: what the fault model is (docs/faults.md), how lists are
 * written as text, and how they are drawn from a seed.
 *
 * A fault sits in one of two spaces:
 *  - SRAM space: a physical memory of the accelerator (weight, activation,
 *    accumulator, parameter, threshold), a word address and a bit, as the
 *    hardware stores data (geometry from the compiled program);
 *  - tensor space: a logical tensor of the model (layer L's weights, bias or
 *    output activations), an element index and a bit, independent of where
 *    the hardware places it, for comparison with framework-level tools.
 *
 * Kinds: stuck-at-0, stuck-at-1, permanent flip (the cell returns the
 * complement of what was written), transient upset (the stored bit flips once
 * at a cycle; a later write clears it; SRAM space only), read disturb (each
 * read returns the bit flipped with probability p, drawn from the list's seed;
 * SRAM space only). */
#ifndef FTSA_FAULTS_H
#define FTSA_FAULTS_H

#include <stdint.h>
#include <stdio.h>

#include "ftsa/error.h"
#include "ftsa/net.h"

typedef enum {
    FTSA_FAULT_SA0 = 0,
    FTSA_FAULT_SA1 = 1,
    FTSA_FAULT_FLIP = 2,
    FTSA_FAULT_SEU = 3,  /* transient upset at a cycle */
    FTSA_FAULT_READ_DISTURB = 4,
    FTSA_FAULT_KIND_COUNT
} ftsa_fault_kind_t;

typedef enum { FTSA_SPACE_SRAM = 0, FTSA_SPACE_TENSOR = 1 } ftsa_fault_space_t;

typedef enum {
    FTSA_MEM_WEIGHT = 0,
    FTSA_MEM_ACT = 1,
    FTSA_MEM_ACC = 2,
    FTSA_MEM_PARAM = 3,
    FTSA_MEM_THR = 4,
    FTSA_MEM_COUNT
} ftsa_mem_t;

typedef enum {
    FTSA_TENSOR_WEIGHTS = 0, /* int8, ftsa_layer_weight_count elements */
    FTSA_TENSOR_BIAS = 1,    /* int32, out.c elements (the model's bias, before folding) */
    FTSA_TENSOR_ACT = 2,     /* int8, the layer's output activations */
    FTSA_TENSOR_COUNT
} ftsa_tensor_t;

typedef struct {
    ftsa_fault_kind_t kind;
    ftsa_fault_space_t space;
    uint32_t target; /* ftsa_mem_t (SRAM space) or ftsa_tensor_t (tensor space) */
    uint32_t layer;  /* tensor space only */
    uint32_t index;  /* word address (SRAM) or element index (tensor) */
    uint32_t bit;    /* tensor space: below the element width; SRAM space: below the word width */
    uint64_t cycle;  /* FTSA_FAULT_SEU: the cycle at whose end the bit flips */
    double prob;     /* FTSA_FAULT_READ_DISTURB: flip probability per read */
    uint32_t line;   /* source line when read from a file (0 when generated) */
} ftsa_fault_t;

typedef struct {
    ftsa_fault_t *v;
    uint32_t n, cap;
    uint64_t seed; /* seeds read-disturb draws; written to the file */
} ftsa_fault_list_t;

const char *ftsa_fault_kind_name(ftsa_fault_kind_t kind);
const char *ftsa_mem_name(ftsa_mem_t mem);
const char *ftsa_tensor_name(ftsa_tensor_t t);
/* Bits per element of a tensor (8 or 32). */
uint32_t ftsa_tensor_bits(ftsa_tensor_t t);
/* Elements of tensor t in layer l (0 if the layer has none). */
uint32_t ftsa_tensor_elems(const ftsa_layer_t *l, ftsa_tensor_t t);

void ftsa_faults_init(ftsa_fault_list_t *list);
void ftsa_faults_free(ftsa_fault_list_t *list);
ftsa_status_t ftsa_faults_add(ftsa_fault_list_t *list, const ftsa_fault_t *f, ftsa_err_t *err);

/* Faults on one word combine as the RTL's fault ports do, whatever their order
 * in the list: read = ((stored & ~sa0) | sa1) ^ flip, where sa0, sa1 and flip
 * are the masks of the word's stuck-at-0, stuck-at-1 and flipped bits (two
 * flips of one bit cancel). */

/* Check tensor-space faults against net (layer exists and has the tensor,
 * index and bit in range, kind allowed in tensor space). */
ftsa_status_t ftsa_faults_check_tensor(const ftsa_fault_list_t *list, const ftsa_net_t *net,
                                       ftsa_err_t *err);

/* Widest SRAM word the format accepts (bits); the back end checks its own. */
#define FTSA_FAULT_MAX_WORD_BITS 1024u

/* Text format (docs/faults.md): one fault per line, '#' starts a comment.
 *   KIND WHERE INDEX BIT [@CYCLE] [p=PROB]
 * KIND: sa0 sa1 flip seu rd.  WHERE: weight act acc param thr (SRAM) or
 * L<n>.weights L<n>.bias L<n>.act (tensor).  A "seed N" line sets the seed.
 * The reader names file, line and reason for every rejected line. */
ftsa_status_t ftsa_faults_read(const char *path, ftsa_fault_list_t *list, ftsa_err_t *err);
ftsa_status_t ftsa_faults_parse(const char *text, const char *name, ftsa_fault_list_t *list,
                                ftsa_err_t *err);
ftsa_status_t ftsa_faults_write(const ftsa_fault_list_t *list, FILE *out, ftsa_err_t *err);
ftsa_status_t ftsa_faults_save(const ftsa_fault_list_t *list, const char *path, ftsa_err_t *err);

/* A region faults are drawn over: a tensor of one layer or of all layers with
 * it (layer = FTSA_ALL_LAYERS), limited to the bit positions in bit_mask
 * (bit i of the mask allows bit i of each element; 0 means all bits). */
#define FTSA_ALL_LAYERS UINT32_MAX
typedef struct {
    ftsa_tensor_t tensor;
    uint32_t layer;
    uint32_t bit_mask;
} ftsa_tensor_region_t;

/* Number of fault sites (bits) in a region of net. */
uint64_t ftsa_region_bits(const ftsa_net_t *net, const ftsa_tensor_region_t *region);

/* Draw every bit of the region independently with probability ber (a
 * Bernoulli process walked with geometric gaps), faults of the given kind,
 * appended to list in site order.  Same (net, region, kind, ber, seed), same list. */
ftsa_status_t ftsa_faults_gen_ber(const ftsa_net_t *net, const ftsa_tensor_region_t *region,
                                  ftsa_fault_kind_t kind, double ber, uint64_t seed,
                                  ftsa_fault_list_t *list, ftsa_err_t *err);
/* Draw exactly count distinct sites of the region uniformly. */
ftsa_status_t ftsa_faults_gen_count(const ftsa_net_t *net, const ftsa_tensor_region_t *region,
                                    ftsa_fault_kind_t kind, uint64_t count, uint64_t seed,
                                    ftsa_fault_list_t *list, ftsa_err_t *err);

/* What each drawn fault is: its kind and, for upsets, the cycle range
 * [cycle_first, cycle_end) its cycle is drawn from uniformly (one draw per
 * fault); for read disturb, the flip probability prob in (0, 1]. */
typedef struct {
    ftsa_fault_kind_t kind;
    uint64_t cycle_first, cycle_end;
    double prob;
} ftsa_fault_spec_t;

/* A region of one SRAM-space memory: words [first, first + count) of
 * word_bits-bit words, each word a row of elem_bits-bit elements (word_bits a
 * multiple of elem_bits, elem_bits <= 32), limited to the bit positions in
 * bit_mask within every element (bit i of the mask allows bit i of each
 * element, so 0x80 is the top bit of every byte lane; 0 means all bits).  The
 * caller gives the geometry (the library does not know the hardware's):
 * e.g. weight 8N-bit words of 8-bit elements, acc 32N-bit words of 32-bit
 * lanes, param 96-bit words of three 32-bit fields. */
typedef struct {
    ftsa_mem_t mem;
    uint32_t first, count;
    uint32_t word_bits, elem_bits;
    uint32_t bit_mask;
} ftsa_sram_region_t;

/* Number of fault sites (bits) in an SRAM region (0 if its geometry is invalid). */
uint64_t ftsa_sram_region_bits(const ftsa_sram_region_t *region);

/* As ftsa_faults_gen_ber and ftsa_faults_gen_count, over an SRAM region, any
 * kind (spec; the cycles of upsets come from their own stream of seed, so a
 * seed picks the same sites whatever the kind).  Sites in order (word,
 * element, bit); a fault's bit is its position in the word.  Same (region,
 * spec, rate or count, seed), same list. */
ftsa_status_t ftsa_faults_gen_sram_ber(const ftsa_sram_region_t *region,
                                       const ftsa_fault_spec_t *spec, double ber, uint64_t seed,
                                       ftsa_fault_list_t *list, ftsa_err_t *err);
ftsa_status_t ftsa_faults_gen_sram_count(const ftsa_sram_region_t *region,
                                         const ftsa_fault_spec_t *spec, uint64_t count,
                                         uint64_t seed, ftsa_fault_list_t *list, ftsa_err_t *err);

/* Apply the permanent tensor-space faults on weights and bias to net in place
 * (the value a faulty cell returns).  Activation faults are applied after each
 * layer by the back end (ftsa_faults_act_masks). */
void ftsa_faults_apply_params(const ftsa_fault_list_t *list, ftsa_net_t *net);

/* Read disturb: 1 when the read of bit `bit` of word addr of memory mem in
 * run cycle `cycle` returns the bit flipped, with probability p.  A pure
 * function of its arguments (a counter-based draw from seed), so the RTL
 * simulator and the C model flip exactly the same reads. */
int ftsa_fault_rd_draw(uint64_t seed, uint32_t mem, uint32_t addr, uint32_t bit, uint64_t cycle,
                       double p);

/* Per-element masks for the output activations of layer: out = ((v & and) | or) ^ xor. */
typedef struct {
    uint32_t index;
    uint8_t and_mask, or_mask, xor_mask;
} ftsa_act_mask_t;
/* Masks of the tensor-space activation faults of one layer, merged per element
 * (malloc'd, sorted by index; *n = 0 and *masks = NULL when none). */
ftsa_status_t ftsa_faults_act_masks(const ftsa_fault_list_t *list, uint32_t layer,
                                    ftsa_act_mask_t **masks, uint32_t *n, ftsa_err_t *err);

#endif
