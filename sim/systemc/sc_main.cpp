// The example platform (docs/systemc.md): what a virtual platform does to host
// the ftsa accelerator.  sc_main builds a memory, a bus, the accelerator and a
// host initiator, hands them to the C ABI, and runs the driver's C code
// (example_host.c: ftsa_dev_* on the systemc back end) on the host.
//
//   ftsa_sc_example MODEL DATA_DIR IMAGES
#include <cstdio>
#include <cstdlib>

#include <systemc>

#include "example_host.h"
#include "ftsa/sc_platform_attach.h"

int sc_main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL DATA_DIR IMAGES\n", argv[0]);
        return 2;
    }
    // Clock, reset and interrupt wires.
    sc_core::sc_clock clk("clk", 10, sc_core::SC_NS);
    sc_core::sc_signal<bool> rst_n("rst_n"), irq("irq");
    // Memory from address 0, the bus (CSRs at Bus::csr_base), the accelerator
    // and the host processor's stand-in.
    ftsa::Memory mem("mem", 16u << 20);
    ftsa::Bus bus("bus");
    ftsa::Accel accel("accel");
    ftsa::Host cpu("cpu");
    accel.clk_i(clk);
    accel.rst_ni(rst_n);
    accel.irq_o(irq);
    cpu.clk_i(clk);
    cpu.irq_i(irq);
    cpu.socket.bind(bus.in);  // CPU loads, stores and CSR accesses
    accel.dma.bind(bus.in);   // the accelerator's command fetch and DMA
    bus.mem.bind(mem.socket);
    bus.csr.bind(accel.csr);
    // The driver's C code reaches this platform through the C ABI.
    ftsa::attach_platform({&cpu, &accel, &rst_n, ftsa::Bus::csr_base, mem.size()});
    int rc = ftsa_example_run(argv[1], argv[2], (uint32_t)strtoul(argv[3], nullptr, 10));
    printf("simulated time %s, %llu accelerator cycles\n", sc_core::sc_time_stamp().to_string().c_str(),
           (unsigned long long)accel.cycle());
    return rc;
}
