/* Trainer checkpoints (drivers/train/src/checkpoint.c) for a fixed small
 * network.  Input: a whole file, or 'C' and a file whose trailing CRC is
 * recomputed (so the fuzzer gets past the checksum). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_trainer_t f;
    static int ready;
    if (!ready) {
        fuzz_trainer(&f);
        ready = 1;
    }
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    const uint8_t *buf = copy;
    size_t len = size;
    if (size >= 13 && data[0] == 'C') {
        buf = copy + 1;
        len = size - 1;
        uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)(len - 4));
        memcpy(copy + 1 + len - 4, &crc, 4); /* native order, as the writer stores it */
    }
    ftsa_err_t err;
    ftsa_checkpoint_parse(&f.t, buf, len, &err);
    free(copy);
    return 0;
}
