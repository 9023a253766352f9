// Test fixture for scripts/synth: a flop with asynchronous set and reset,
// which ftsa_cells.lib cannot map (it has DFFR and DFFS, no DFFRS).
module ftsa_bad_dffsr (
  input  wire clk_i,
  input  wire rst_ni,
  input  wire set_ni,
  input  wire d_i,
  output reg  q_o
);
  always @(posedge clk_i or negedge rst_ni or negedge set_ni) begin
    if (!rst_ni)      q_o <= 1'b0;
    else if (!set_ni) q_o <= 1'b1;
    else              q_o <= d_i;
  end
endmodule
