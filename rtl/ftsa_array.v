// N x N weight-stationary systolic array with input skew and output de-skew.
//
// Row r holds input channel k0+r, column c output channel c of the tile: PE[r][c]
// keeps w[k0+r][c].  A vector of N activations presented in cycle t (one
// position) is skewed so row r sees it at t+r; partial sums flow down and
// column c's dot product is de-skewed so all N sums leave together at
// t + Latency with the tag given alongside the activations.
module ftsa_array #(
  parameter integer N    = 8,
  parameter integer TagW = 8
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            valid_i,
  input  wire [N*8-1:0]  a_i,      // activation of row r in [r*8 +: 8]
  input  wire            sel_i,    // weight buffer for this position
  input  wire [TagW-1:0] tag_i,
  // weight load: row wrow_i of buffer wbuf_i gets wdata_i (column c in [c*8 +: 8])
  input  wire            wen_i,
  input  wire [7:0]      wrow_i,
  input  wire            wbuf_i,
  input  wire [N*8-1:0]  wdata_i,
  output wire            valid_o,
  output wire [N*32-1:0] sum_o,    // int32 dot product of column c in [c*32 +: 32]
  output wire [TagW-1:0] tag_o,
  output wire            busy_o    // a valid position is inside the array
);
  localparam integer Latency = 2 * N - 1;

  wire [7:0]  a_w    [0:N-1][0:N];
  wire        sel_w  [0:N-1][0:N];
  wire [31:0] psum_w [0:N][0:N-1];

  genvar r, c;
  generate
    for (r = 0; r < N; r = r + 1) begin : g_row
      wire [8:0] skewed;
      ftsa_delay #(.Width(9), .Stages(r)) u_skew (
        .clk_i (clk_i),
        .d_i   ({sel_i, a_i[r*8 +: 8]}),
        .q_o   (skewed)
      );
      assign a_w[r][0]   = skewed[7:0];
      assign sel_w[r][0] = skewed[8];
      for (c = 0; c < N; c = c + 1) begin : g_col
        wire [1:0] wload = {wen_i && wrow_i == r && wbuf_i, wen_i && wrow_i == r && !wbuf_i};
        ftsa_pe u_pe (
          .clk_i   (clk_i),
          .a_i     (a_w[r][c]),
          .sel_i   (sel_w[r][c]),
          .psum_i  (psum_w[r][c]),
          .wload_i (wload),
          .wdata_i (wdata_i[c*8 +: 8]),
          .a_o     (a_w[r][c+1]),
          .sel_o   (sel_w[r][c+1]),
          .psum_o  (psum_w[r+1][c])
        );
      end
    end
    for (c = 0; c < N; c = c + 1) begin : g_out
      assign psum_w[0][c] = 32'd0;
      ftsa_delay #(.Width(32), .Stages(N - 1 - c)) u_deskew (
        .clk_i (clk_i),
        .d_i   (psum_w[N][c]),
        .q_o   (sum_o[c*32 +: 32])
      );
    end
  endgenerate

  // Tag and valid travel beside the data; valid is reset so busy_o is exact.
  reg [Latency-1:0] valid_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= {Latency{1'b0}};
    else         valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  ftsa_delay #(.Width(TagW), .Stages(Latency)) u_tag (
    .clk_i (clk_i),
    .d_i   (tag_i),
    .q_o   (tag_o)
  );
  assign valid_o = valid_q[Latency-1];
  assign busy_o  = |valid_q;
endmodule
