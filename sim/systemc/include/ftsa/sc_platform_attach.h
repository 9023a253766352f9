// Use the C ABI (sc_platform.h) on a platform built by another sc_main: the
// host initiator, the accelerator, the reset it drives, and where the bus
// maps the accelerator's CSRs.  Call before the first ftsa_sc_open.
#ifndef FTSA_SC_PLATFORM_ATTACH_H
#define FTSA_SC_PLATFORM_ATTACH_H

#include <systemc>

#include "ftsa/sc_accel.h"
#include "ftsa/sc_parts.h"
#include "ftsa/sc_platform.h"

namespace ftsa {

struct PlatformView {
    Host *host;
    Accel *accel;
    sc_core::sc_signal<bool> *rst_n; // driven by the host's jobs only
    uint64_t csr_base;               // bus address of CSR offset 0
    size_t mem_bytes;                // memory from address 0
};

void attach_platform(const PlatformView &view);

} // namespace ftsa

#endif
