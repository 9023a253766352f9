/* Campaign configs (drivers/campaign/src/config.c).  A config that parses
 * and passes the cross-key check must write out a config that reads back
 * and writes out the same text (settings that do not apply, such as SRAM
 * words without space = sram, are not written). */
#include <stdio.h>

#include "fuzz_common.h"

static char *written(const ftsa_camp_config_t *cfg, size_t *len)
{
    char *out = NULL;
    FILE *f = open_memstream(&out, len);
    FUZZ_ASSERT(f);
    ftsa_camp_config_write(cfg, f);
    fclose(f);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ftsa_camp_config_t cfg, back;
    ftsa_err_t err;
    ftsa_camp_config_defaults(&cfg);
    if (ftsa_camp_config_parse(&cfg, (const char *)data, size, "fuzz.cfg", &err) == FTSA_OK &&
        ftsa_camp_config_check(&cfg, &err) == FTSA_OK) {
        size_t len, len2;
        char *out = written(&cfg, &len);
        ftsa_camp_config_defaults(&back);
        FUZZ_ASSERT(ftsa_camp_config_parse(&back, out, len, "written", &err) == FTSA_OK);
        char *again = written(&back, &len2);
        FUZZ_ASSERT(len == len2 && !memcmp(out, again, len));
        free(again);
        free(out);
    }
    return 0;
}
