// Cross-simulator check, Verilog side (Icarus): ftsa_top with the same host
// memory model and the same reset / CSR / run sequence as sim/src/ftsa_sim.cpp.
// Loads image.hex, runs the setup stream and the inference stream, writes the
// final host memory to result.hex.  tb_xsim_prep.c made image.hex.
`timescale 1ns / 1ps
module tb_xsim;
  parameter integer ArrayN = 8;
  localparam integer MaxWords = 1 << 20;

  reg         clk = 1'b0, rst_n = 1'b0;
  reg         csr_we = 1'b0;
  reg  [7:0]  csr_addr = 8'd0;
  reg  [31:0] csr_wdata = 32'd0;
  wire [31:0] csr_rdata;
  wire        hv, hwe, busy;
  wire [31:0] ha, hwd;
  reg         rv = 1'b0, pend = 1'b0;
  reg  [31:0] rd = 32'd0, pdata = 32'd0;
  reg  [31:0] mem [0:MaxWords-1];
  integer     words, setup, infer, i;
  reg  [63:0] cycles = 64'd0;

  ftsa_top #(.ArrayN(ArrayN)) dut (
    .clk_i (clk), .rst_ni (rst_n),
    .csr_we_i (csr_we), .csr_addr_i (csr_addr), .csr_wdata_i (csr_wdata), .csr_rdata_o (csr_rdata),
    .hreq_valid_o (hv), .hreq_we_o (hwe), .hreq_addr_o (ha), .hreq_wdata_o (hwd),
    .hreq_ready_i (1'b1), .hrsp_valid_i (rv), .hrsp_rdata_i (rd), .busy_o (busy)
`ifdef FTSA_FAULTS
    , .flt_we_i (1'b0), .flt_mem_i (3'd0), .flt_kind_i (2'd0), .flt_addr_i (16'd0),
    .flt_data_i ({32*ArrayN{1'b0}})
`endif
  );

  // Host memory: answer a read one cycle later, write at once (as the shim).
  always @(negedge clk) begin
    rv <= pend;
    rd <= pdata;
    pend <= hv && !hwe;
    pdata <= mem[ha[21:2]];
    if (hv && hwe) mem[ha[21:2]] <= hwd;
  end

  task cycle;
    begin
      #5 clk = 1'b1;
      #5 clk = 1'b0;
      cycles = cycles + 64'd1;
    end
  endtask

  task csr_write(input [7:0] addr, input [31:0] value);
    begin
      csr_we = 1'b1; csr_addr = addr; csr_wdata = value;
      cycle;
      csr_we = 1'b0; csr_addr = 8'd0; csr_wdata = 32'd0;
    end
  endtask

  task run(input integer queue);
    begin
      csr_write(8'h08, queue);
      csr_write(8'h00, 32'd1);
      while (busy) cycle;
      csr_addr = 8'h04;
      #1 if (csr_rdata != 32'd2) begin
        $display("tb_xsim: STATUS 0x%08x after the stream at 0x%08x", csr_rdata, queue);
        $finish;
      end
    end
  endtask

  initial begin
    if (!$value$plusargs("words=%d", words) || !$value$plusargs("setup=%d", setup) ||
        !$value$plusargs("infer=%d", infer)) begin
      $display("tb_xsim: need +words= +setup= +infer=");
      $finish;
    end
    for (i = 0; i < MaxWords; i = i + 1) mem[i] = 32'd0;
    $readmemh("image.hex", mem, 0, words - 1);
    cycle; cycle;          // reset held for two cycles
    rst_n = 1'b1;
    cycle;
    run(setup);
    run(infer);
    $writememh("result.hex", mem, 0, words - 1);
    $display("tb_xsim: done after %0d cycles", cycles);
    $finish;
  end
endmodule
