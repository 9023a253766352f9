// Memory, bus and host of the example platform (sc_parts.h).
#include "ftsa/sc_parts.h"

#include <cstring>

namespace ftsa {

Memory::Memory(sc_core::sc_module_name name, size_t bytes)
    : sc_module(name), socket("socket"), mem_(bytes, 0)
{
    socket.register_b_transport(this, &Memory::transport);
    socket.register_transport_dbg(this, &Memory::debug);
}

unsigned int Memory::debug(tlm::tlm_generic_payload &tx)
{
    uint64_t addr = tx.get_address();
    size_t len = tx.get_data_length();
    if (addr > mem_.size() || len > mem_.size() - addr)
        return 0;
    if (tx.is_write())
        memcpy(&mem_[addr], tx.get_data_ptr(), len);
    else
        memcpy(tx.get_data_ptr(), &mem_[addr], len);
    return (unsigned int)len;
}

void Memory::transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
    (void)delay;
    uint64_t addr = tx.get_address();
    size_t len = tx.get_data_length();
    if (tx.get_byte_enable_ptr() || tx.get_streaming_width() < len) {
        tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr > mem_.size() || len > mem_.size() - addr) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    debug(tx);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

Bus::Bus(sc_core::sc_module_name name) : sc_module(name), in("in"), mem("mem"), csr("csr")
{
    in.register_b_transport(this, &Bus::transport);
    in.register_transport_dbg(this, &Bus::debug);
}

void Bus::transport(int id, tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
    (void)id;
    uint64_t addr = tx.get_address();
    if (addr >= csr_base && addr - csr_base < csr_size) {
        tx.set_address(addr - csr_base);
        csr->b_transport(tx, delay);
        tx.set_address(addr);
    } else {
        mem->b_transport(tx, delay);
    }
}

unsigned int Bus::debug(int id, tlm::tlm_generic_payload &tx)
{
    (void)id;
    uint64_t addr = tx.get_address();
    return addr >= csr_base && addr - csr_base < csr_size ? 0 : mem->transport_dbg(tx);
}

Host::Host(sc_core::sc_module_name name)
    : sc_module(name), socket("socket"), clk_i("clk_i"), irq_i("irq_i")
{
    SC_HAS_PROCESS(Host);
    SC_THREAD(run);
}

// Run the queued jobs, then pause the kernel: sc_start in call() returns, and
// the next call resumes this thread one delta later with its job queued.
void Host::run()
{
    for (;;) {
        while (!jobs_.empty()) {
            std::function<void()> job = std::move(jobs_.front());
            jobs_.pop_front();
            job();
        }
        sc_core::sc_pause();
        wait(sc_core::SC_ZERO_TIME);
    }
}

void Host::call(std::function<void()> job)
{
    if (sc_core::sc_get_status() == sc_core::SC_RUNNING) { // called by a process
        job();
        return;
    }
    jobs_.push_back(std::move(job));
    sc_core::sc_start();
}

bool Host::access(tlm::tlm_command cmd, uint64_t addr, void *data, size_t bytes)
{
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<unsigned char *>(data));
    tx.set_data_length((unsigned int)bytes);
    tx.set_streaming_width((unsigned int)bytes);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(tx, delay);
    wait(delay);
    return tx.is_response_ok();
}

bool Host::write(uint64_t addr, const void *src, size_t bytes)
{
    return access(tlm::TLM_WRITE_COMMAND, addr, const_cast<void *>(src), bytes);
}

bool Host::read(uint64_t addr, void *dst, size_t bytes)
{
    return access(tlm::TLM_READ_COMMAND, addr, dst, bytes);
}

void Host::wait_cycles(uint64_t n)
{
    while (n--)
        wait(clk_i.posedge_event());
}

bool Host::wait_irq(uint64_t max_cycles)
{
    auto *clock = dynamic_cast<sc_core::sc_clock *>(clk_i.get_interface());
    sc_core::sc_time period = clock ? clock->period() : sc_core::sc_time(10, sc_core::SC_NS);
    wait(period * (double)max_cycles, irq_i.posedge_event());
    return irq_i.read(); // START cleared it: high only if it rose since

}

Platform::Platform(sc_core::sc_module_name name, size_t mem_bytes)
    : sc_module(name), clk("clk", 10, sc_core::SC_NS), rst_n("rst_n"), irq("irq"),
      mem("mem", mem_bytes), bus("bus"), accel("accel"), host("host")
{
    accel.clk_i(clk);
    accel.rst_ni(rst_n);
    accel.irq_o(irq);
    host.clk_i(clk);
    host.irq_i(irq);
    host.socket.bind(bus.in);
    accel.dma.bind(bus.in);
    bus.mem.bind(mem.socket);
    bus.csr.bind(accel.csr);
}

} // namespace ftsa
