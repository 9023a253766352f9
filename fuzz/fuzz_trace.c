/* .trc access traces (drivers/src/trace.c).  Input: a whole file, or 'P',
 * u32 accesses, u32 marks and a payload that gets a valid container.  A
 * trace that loads must equal itself and describe its commands. */
#include "fuzz_common.h"
#include "ftsa/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *buf = data;
    size_t len = size;
    uint8_t *wrapped = NULL;
    if (size >= 9 && data[0] == 'P') {
        uint32_t n = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
                     (uint32_t)data[4] << 24;
        uint32_t m = (uint32_t)data[5] | (uint32_t)data[6] << 8 | (uint32_t)data[7] << 16 |
                     (uint32_t)data[8] << 24;
        buf = wrapped = fuzz_wrap_trace(n, m, data + 9, size - 9, &len);
    }
    ftsa_trace_t t, empty;
    ftsa_err_t err;
    if (ftsa_trace_decode(buf, len, &t, &err) == FTSA_OK) {
        char msg[1024];
        FUZZ_ASSERT(ftsa_trace_diff(&t, &t, msg, sizeof msg) == 0);
        ftsa_trace_init(&empty, t.array_n);
        FUZZ_ASSERT(ftsa_trace_diff(&t, &empty, msg, sizeof msg) == (t.n != 0));
        for (size_t i = 0; i < t.n_marks && i < 64; i++)
            ftsa_trace_describe_cmd(t.marks[i].word0, t.marks[i].word1, msg, sizeof msg);
        ftsa_trace_free(&t);
    }
    free(wrapped);
    return 0;
}
