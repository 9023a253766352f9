// The parts of the example platform (docs/systemc.md): a memory, a bus that
// routes by address, and a host initiator that runs C driver code's accesses
// as TLM transactions.  ftsa::Platform wires them to an ftsa::Accel.
#ifndef FTSA_SC_PARTS_H
#define FTSA_SC_PARTS_H

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "ftsa/sc_accel.h"

namespace ftsa {

// Byte-addressed memory from address 0; accesses outside get an address error.
class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> socket;
    Memory(sc_core::sc_module_name name, size_t bytes);
    size_t size() const { return mem_.size(); }

private:
    void transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
    unsigned int debug(tlm::tlm_generic_payload &tx);
    std::vector<unsigned char> mem_;
};

// Address map: [csr_base, csr_base + csr_size) to the accelerator's CSRs
// (offset from csr_base), everything else to memory.
class Bus : public sc_core::sc_module {
public:
    static constexpr uint64_t csr_base = 0x40000000;
    static constexpr uint64_t csr_size = 0x100;
    tlm_utils::multi_passthrough_target_socket<Bus> in; // any number of initiators
    tlm_utils::simple_initiator_socket<Bus> mem, csr;
    explicit Bus(sc_core::sc_module_name name);

private:
    void transport(int id, tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
    unsigned int debug(int id, tlm::tlm_generic_payload &tx);
};

// The host processor's stand-in.  Code outside the simulation (the C driver)
// hands it jobs with call(); the host's thread runs each job, whose reads and
// writes go out through the socket, and simulated time advances only while a
// job runs.
class Host : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Host> socket;
    sc_core::sc_in<bool> clk_i;
    sc_core::sc_in<bool> irq_i;
    explicit Host(sc_core::sc_module_name name);

    // Run job in the host's thread and return when it has finished (called
    // from outside the simulation; from a SystemC thread it runs in place).
    void call(std::function<void()> job);

    // For jobs: blocking accesses through the socket; false on an error response.
    bool write(uint64_t addr, const void *src, size_t bytes);
    bool read(uint64_t addr, void *dst, size_t bytes);
    void wait_cycles(uint64_t n);
    // Wait for a rising edge of irq_i, at most max_cycles; false on timeout.
    bool wait_irq(uint64_t max_cycles);

private:
    void run();
    bool access(tlm::tlm_command cmd, uint64_t addr, void *data, size_t bytes);
    std::deque<std::function<void()>> jobs_;
};

// Memory, bus, accelerator and host on one clock (100 MHz) with a reset the
// host drives: what ftsa_sc_open builds when no platform was attached.
class Platform : public sc_core::sc_module {
public:
    sc_core::sc_clock clk;
    sc_core::sc_signal<bool> rst_n, irq;
    Memory mem;
    Bus bus;
    Accel accel;
    Host host;
    Platform(sc_core::sc_module_name name, size_t mem_bytes);
};

} // namespace ftsa

#endif
