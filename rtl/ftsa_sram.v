// Simple dual-port SRAM: one read port (data registered, one cycle latency,
// read-first on a same-address write) and one write port.
//
// Fault injection (only with `define FTSA_FAULTS, so synthesis sees a plain
// SRAM and fault-free timing is identical): per-word masks applied on every
// read -- stuck-at-0, stuck-at-1, then permanent flip -- and a transient upset
// that XORs a stored word in the cycle flt_we_i is high (a write to the same
// word in that cycle wins, as a later write clears an upset).
//
// Simulation with `define FTSA_DPI (the Verilated C ABI, sim/): every access is
// reported to the simulator (access traces), and each read takes from it the
// bits a read-disturb fault flips in this read.
module ftsa_sram #(
  parameter integer Depth = 1024,
  parameter integer Width = 32,
  parameter integer AddrW = $clog2(Depth),
  parameter integer MemId = 0 // FTSA_MEM_* id, for the simulator only
) (
  input  wire             clk_i,
  input  wire             re_i,
  input  wire [AddrW-1:0] raddr_i,
  output wire [Width-1:0] rdata_o,
  input  wire             we_i,
  input  wire [AddrW-1:0] waddr_i,
  input  wire [Width-1:0] wdata_i
`ifdef FTSA_FAULTS
  ,
  input  wire             flt_we_i,   // apply flt_kind_i to word flt_addr_i this cycle
  input  wire [1:0]       flt_kind_i, // 0 stuck-at-0 mask, 1 stuck-at-1 mask, 2 flip mask, 3 upset
  input  wire [AddrW-1:0] flt_addr_i,
  input  wire [Width-1:0] flt_data_i
`endif
);
  reg [Width-1:0] mem_q [0:Depth-1];
  reg [Width-1:0] rdata_q;
  wire [Width-1:0] read_word;

`ifdef FTSA_FAULTS
  reg [Width-1:0] sa0_q  [0:Depth-1];
  reg [Width-1:0] sa1_q  [0:Depth-1];
  reg [Width-1:0] flip_q [0:Depth-1];
  integer i;
  initial begin
    for (i = 0; i < Depth; i = i + 1) begin
      sa0_q[i]  = {Width{1'b0}};
      sa1_q[i]  = {Width{1'b0}};
      flip_q[i] = {Width{1'b0}};
    end
  end
  assign read_word = ((mem_q[raddr_i] & ~sa0_q[raddr_i]) | sa1_q[raddr_i]) ^ flip_q[raddr_i];

  always @(posedge clk_i) begin
    if (flt_we_i) begin
      case (flt_kind_i)
        2'd0:    sa0_q[flt_addr_i]  <= flt_data_i;
        2'd1:    sa1_q[flt_addr_i]  <= flt_data_i;
        2'd2:    flip_q[flt_addr_i] <= flt_data_i;
        default: ; // upset: applied to mem_q below
      endcase
    end
  end
`else
  assign read_word = mem_q[raddr_i];
`endif

`ifdef FTSA_DPI
  import "DPI-C" function void ftsa_dpi_sram(input int mem, input int we, input int addr,
                                             output bit [1023:0] flip);
  bit [1023:0] dpi_flip, dpi_none;
  wire [31:0] dpi_raddr = {{(32-AddrW){1'b0}}, raddr_i};
  wire [31:0] dpi_waddr = {{(32-AddrW){1'b0}}, waddr_i};
`endif

  always @(posedge clk_i) begin
`ifdef FTSA_DPI
    dpi_flip = {1024{1'b0}};
    if (re_i) ftsa_dpi_sram(MemId, 0, dpi_raddr, dpi_flip);
    if (we_i) ftsa_dpi_sram(MemId, 1, dpi_waddr, dpi_none);
    if (re_i) rdata_q <= read_word ^ dpi_flip[Width-1:0];
`else
    if (re_i) rdata_q <= read_word;
`endif
`ifdef FTSA_FAULTS
    if (flt_we_i && flt_kind_i == 2'd3) mem_q[flt_addr_i] <= mem_q[flt_addr_i] ^ flt_data_i;
`endif
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end

  assign rdata_o = rdata_q;
endmodule
