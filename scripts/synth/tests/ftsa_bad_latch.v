// Test fixture for scripts/synth: an incomplete assignment infers a latch.
module ftsa_bad_latch (
  input  wire       en_i,
  input  wire [3:0] d_i,
  output reg  [3:0] q_o
);
  always @* begin
    if (en_i) q_o = d_i;
  end
endmodule
