// Accumulator stage between the array and post-processing.  A pass's column
// sums are added to the accumulator SRAM word of their position (read in the
// arrival cycle, written back one cycle later); the first input tile starts
// from zero and the last one sends the total to post-processing instead of
// writing it back.  Per-neuron thresholds are read here, aligned with the total.
module ftsa_accum #(
  parameter integer N = 8
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            valid_i,
  input  wire [N*32-1:0] sum_i,
  input  wire            first_i,
  input  wire            last_i,
  input  wire [15:0]     acc_addr_i,
  input  wire [15:0]     out_addr_i,
  input  wire            thr_neuron_i,  // THR_SRC is per neuron
  input  wire [15:0]     thr_base_i,
  // accumulator SRAM
  output wire            acc_re_o,
  output wire [15:0]     acc_raddr_o,
  input  wire [N*32-1:0] acc_rdata_i,
  output wire            acc_we_o,
  output wire [15:0]     acc_waddr_o,
  output wire [N*32-1:0] acc_wdata_o,
  // threshold SRAM (read)
  output wire            thr_re_o,
  output wire [15:0]     thr_raddr_o,
  // to post-processing
  output wire            post_valid_o,
  output wire [N*32-1:0] post_sum_o,
  output wire [15:0]     post_addr_o,
  output wire            busy_o
);
  reg            valid_q, first_q, last_q;
  reg [N*32-1:0] sum_q;
  reg [15:0]     acc_addr_q, out_addr_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= 1'b0;
    else         valid_q <= valid_i;
  end
  always @(posedge clk_i) begin
    first_q    <= first_i;
    last_q     <= last_i;
    sum_q      <= sum_i;
    acc_addr_q <= acc_addr_i;
    out_addr_q <= out_addr_i;
  end

  assign acc_re_o    = valid_i && !first_i;
  assign acc_raddr_o = acc_addr_i;
  assign thr_re_o    = valid_i && last_i && thr_neuron_i;
  assign thr_raddr_o = thr_base_i + out_addr_i;

  wire [N*32-1:0] total;
  genvar c;
  generate
    for (c = 0; c < N; c = c + 1) begin : g_lane
      assign total[c*32 +: 32] = first_q ? sum_q[c*32 +: 32]
                                         : acc_rdata_i[c*32 +: 32] + sum_q[c*32 +: 32];
    end
  endgenerate

  assign acc_we_o     = valid_q && !last_q;
  assign acc_waddr_o  = acc_addr_q;
  assign acc_wdata_o  = total;
  assign post_valid_o = valid_q && last_q;
  assign post_sum_o   = total;
  assign post_addr_o  = out_addr_q;
  assign busy_o       = valid_q;
endmodule
