// Weight-stationary processing element: psum_o = psum_i + a_i * w[sel_i], one
// cycle later; the activation and its weight-buffer select pass on to the right.
// Two weight registers let the next pass's weights load while this pass runs.
module ftsa_pe (
  input  wire        clk_i,
  input  wire [7:0]  a_i,      // int8 activation from the left
  input  wire        sel_i,    // weight buffer the activation uses
  input  wire [31:0] psum_i,   // partial sum from above
  input  wire [1:0]  wload_i,  // write weight buffer 0 / 1
  input  wire [7:0]  wdata_i,  // int8 weight
  output wire [7:0]  a_o,
  output wire        sel_o,
  output wire [31:0] psum_o
);
  reg [7:0]  w0_q, w1_q, a_q;
  reg        sel_q;
  reg [31:0] psum_q;

  wire [7:0]         w    = sel_i ? w1_q : w0_q;
  wire signed [15:0] prod = $signed(a_i) * $signed(w);

  always @(posedge clk_i) begin
    a_q    <= a_i;
    sel_q  <= sel_i;
    psum_q <= psum_i + {{16{prod[15]}}, prod};
    if (wload_i[0]) w0_q <= wdata_i;
    if (wload_i[1]) w1_q <= wdata_i;
  end

  assign a_o    = a_q;
  assign sel_o  = sel_q;
  assign psum_o = psum_q;
endmodule
