// Control and status registers (map: scripts/hw_regs.txt).  Writes take effect
// at the clock edge; reads are combinational.
module ftsa_csr #(
  parameter integer N        = 8,
  parameter integer WgtDepth = 16384,
  parameter integer ActDepth = 4096,
  parameter integer AccDepth = 1024,
  parameter integer ParDepth = 2048,
  parameter integer ThrDepth = 4096
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        csr_we_i,
  input  wire [7:0]  csr_addr_i,
  input  wire [31:0] csr_wdata_i,
  output reg  [31:0] csr_rdata_o,
  output wire        start_o,
  output wire [31:0] cmdq_o,
  output wire [31:0] cycles_o,
  input  wire        busy_i,
  input  wire        stall_i,   // the host bus held the controller or DMA this cycle
  input  wire        done_i,
  input  wire        error_i,
  input  wire [7:0]  err_op_i
);
  `include "ftsa_regs.vh"

  reg [63:0] cycles_q;
  reg [31:0] run_q, stall_q, cmdq_q;
  reg        done_q, error_q;
  reg [7:0]  err_op_q;

  wire ctrl_we = csr_we_i && csr_addr_i == `FTSA_CSR_CTRL;
  wire start   = ctrl_we && csr_wdata_i[`FTSA_CTRL_START] && !busy_i;
  wire clear   = ctrl_we && csr_wdata_i[`FTSA_CTRL_CLEAR];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycles_q <= 64'd0;
      run_q    <= 32'd0;
      stall_q  <= 32'd0;
      cmdq_q   <= 32'd0;
      done_q   <= 1'b0;
      error_q  <= 1'b0;
      err_op_q <= 8'd0;
    end else begin
      cycles_q <= cycles_q + 64'd1;
      if (start)       run_q <= 32'd0;
      else if (busy_i) run_q <= run_q + 32'd1;
      if (start)        stall_q <= 32'd0;
      else if (stall_i) stall_q <= stall_q + 32'd1;
      if (csr_we_i && csr_addr_i == `FTSA_CSR_CMDQ_ADDR) cmdq_q <= csr_wdata_i;
      if (clear || start) begin
        done_q  <= 1'b0;
        error_q <= 1'b0;
      end
      if (done_i) done_q <= 1'b1;
      if (error_i) begin
        error_q  <= 1'b1;
        err_op_q <= err_op_i;
      end
    end
  end

  always @* begin
    case (csr_addr_i)
      `FTSA_CSR_STATUS:       csr_rdata_o = {29'd0, error_q, done_q, busy_i};
      `FTSA_CSR_CMDQ_ADDR:    csr_rdata_o = cmdq_q;
      `FTSA_CSR_CYCLES_LO:    csr_rdata_o = cycles_q[31:0];
      `FTSA_CSR_CYCLES_HI:    csr_rdata_o = cycles_q[63:32];
      `FTSA_CSR_RUN_CYCLES:   csr_rdata_o = run_q;
      `FTSA_CSR_ERR_INFO:     csr_rdata_o = {24'd0, err_op_q};
      `FTSA_CSR_HW_ARRAY_N:   csr_rdata_o = N;
      `FTSA_CSR_HW_WGT_DEPTH: csr_rdata_o = WgtDepth;
      `FTSA_CSR_HW_ACT_DEPTH: csr_rdata_o = ActDepth;
      `FTSA_CSR_HW_ACC_DEPTH: csr_rdata_o = AccDepth;
      `FTSA_CSR_HW_PAR_DEPTH: csr_rdata_o = ParDepth;
      `FTSA_CSR_HW_THR_DEPTH: csr_rdata_o = ThrDepth;
      `FTSA_CSR_STALL_CYCLES: csr_rdata_o = stall_q;
      default:                csr_rdata_o = 32'd0;
    endcase
  end

  assign start_o  = start;
  assign cmdq_o   = cmdq_q;
  assign cycles_o = cycles_q[31:0];
endmodule
