// Post-processing: N lanes of bias add -> requantize -> activation/clip, one
// output word (N int8 channels of one pixel) per cycle, one cycle of latency.
// Lane parameters (bias, multiplier, shift, per-channel threshold) are loaded
// per output channel tile by the controller (POSTCFG) while the pipe is empty.
module ftsa_post #(
  parameter integer N = 8
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  // lane parameter load
  input  wire            lane_we_i,
  input  wire [7:0]      lane_idx_i,
  input  wire [95:0]     lane_par_i,   // PAR word: bias, multiplier, shift
  input  wire            thr_ch_we_i,
  input  wire [N*8-1:0]  thr_ch_i,     // per-channel thresholds of the tile
  // layer configuration
  input  wire [1:0]      act_i,
  input  wire [1:0]      thr_src_i,
  input  wire [7:0]      thr_layer_i,
  input  wire [7:0]      zp_i,
  // accumulated sums of one pixel
  input  wire            valid_i,
  input  wire [N*32-1:0] sum_i,
  input  wire [N*8-1:0]  thr_neuron_i, // THR SRAM word read for this pixel
  input  wire [15:0]     addr_i,
  output wire            valid_o,
  output wire [N*8-1:0]  data_o,
  output wire [15:0]     addr_o
);
  reg [31:0]    bias_q  [0:N-1];
  reg [31:0]    mult_q  [0:N-1];
  reg [7:0]     shift_q [0:N-1];
  reg [N*8-1:0] thr_ch_q;

  localparam integer LaneW = $clog2(N);
  wire [LaneW-1:0] lane = lane_idx_i[LaneW-1:0];

  always @(posedge clk_i) begin
    if (lane_we_i) begin
      bias_q[lane]  <= lane_par_i[31:0];
      mult_q[lane]  <= lane_par_i[63:32];
      shift_q[lane] <= lane_par_i[71:64];
    end
    if (thr_ch_we_i) thr_ch_q <= thr_ch_i;
  end

  wire [N*8-1:0] y;
  genvar c;
  generate
    for (c = 0; c < N; c = c + 1) begin : g_lane
      wire [7:0] q;
      wire [7:0] thr = thr_src_i == 2'd1 ? thr_ch_q[c*8 +: 8] :
                       thr_src_i == 2'd2 ? thr_neuron_i[c*8 +: 8] : thr_layer_i;
      ftsa_requant u_requant (
        .acc_i   (sum_i[c*32 +: 32] + bias_q[c]),
        .mult_i  (mult_q[c]),
        .shift_i (shift_q[c]),
        .zp_i    (zp_i),
        .q_o     (q)
      );
      ftsa_clip u_clip (
        .q_i    (q),
        .mode_i (act_i),
        .zp_i   (zp_i),
        .thr_i  (thr),
        .y_o    (y[c*8 +: 8])
      );
    end
  endgenerate

  reg           valid_q;
  reg [N*8-1:0] data_q;
  reg [15:0]    addr_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= 1'b0;
    else         valid_q <= valid_i;
  end
  always @(posedge clk_i) begin
    data_q <= y;
    addr_q <= addr_i;
  end
  assign valid_o = valid_q;
  assign data_o  = data_q;
  assign addr_o  = addr_q;

  wire unused_ok = &{1'b0, lane_par_i[95:72]};
endmodule
