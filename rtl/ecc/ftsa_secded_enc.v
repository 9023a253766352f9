// SECDED (extended Hamming) encoder for one SRAM word, systematic: the word is
// stored as is and CheckW = ParW + 1 check bits go beside it.  Data bit j sits
// at Hamming position ftsa_secded_pos(j) (the positions from 3 up that are not
// powers of two); check bit i < ParW is the even parity of the data bits whose
// position has bit i set; check bit ParW is the parity of the data and the
// other check bits.  Combinational.  Check bits: DataW 32 -> 7, 64 -> 8,
// 96 -> 8, 128 -> 9, 256 -> 10.  DataW >= 4.
module ftsa_secded_enc #(
  parameter integer DataW  = 64,
  // smallest r with 2^r >= DataW + r + 1 (the closed form holds for DataW >= 4)
  parameter integer ParW   = $clog2(DataW + $clog2(DataW) + 1),
  parameter integer CheckW = ParW + 1
) (
  input  wire [DataW-1:0]  data_i,
  output wire [CheckW-1:0] check_o
);
  `include "ftsa_secded_fn.vh"

  wire [ParW-1:0] parity;
  genvar i, j;
  generate
    for (i = 0; i < ParW; i = i + 1) begin : g_par
      wire [DataW-1:0] covered;
      for (j = 0; j < DataW; j = j + 1) begin : g_bit
        localparam [31:0] Pos = ftsa_secded_pos(j);
        assign covered[j] = Pos[i];
      end
      assign parity[i] = ^(data_i & covered);
    end
  endgenerate
  assign check_o = {^{data_i, parity}, parity};
endmodule
