// SECDED (extended Hamming) decoder for one SRAM word stored with the check
// bits of ftsa_secded_enc.  The syndrome names the Hamming position of a
// single flipped bit; the overall parity tells an odd from an even number of
// flips.  Combinational.
//   no error                  : data_o = data_i, single_o = 0, double_o = 0
//   one flipped bit (any bit) : data_o corrected,  single_o = 1
//   two flipped bits          : double_o = 1 (data_o is data_i, uncorrected)
// Three or more flips may be miscorrected, as with any SECDED code; a syndrome
// outside the code word is reported as double_o.
module ftsa_secded_dec #(
  parameter integer DataW  = 64,
  parameter integer ParW   = $clog2(DataW + $clog2(DataW) + 1),
  parameter integer CheckW = ParW + 1
) (
  input  wire [DataW-1:0]  data_i,
  input  wire [CheckW-1:0] check_i,
  output wire [DataW-1:0]  data_o,
  output wire              single_o,  // one bit was flipped and is corrected
  output wire              double_o   // an uncorrectable error was detected
);
  `include "ftsa_secded_fn.vh"

  localparam integer       CodeW = DataW + ParW;  // Hamming positions 1..CodeW
  localparam [ParW-1:0]    LastPos = CodeW[ParW-1:0];

  wire [ParW-1:0] syndrome;
  genvar i, j;
  generate
    for (i = 0; i < ParW; i = i + 1) begin : g_syn
      wire [DataW-1:0] covered;
      for (j = 0; j < DataW; j = j + 1) begin : g_bit
        localparam [31:0] Pos = ftsa_secded_pos(j);
        assign covered[j] = Pos[i];
      end
      assign syndrome[i] = check_i[i] ^ (^(data_i & covered));
    end
  endgenerate

  wire odd     = ^{data_i, check_i};
  wire syn_any = |syndrome;
  // A perfect code (DataW 4, 11, 26, 57, 120, 247) uses every syndrome.
  wire in_word;
  generate
    if (CodeW == (1 << ParW) - 1) begin : g_perfect
      assign in_word = 1'b1;
    end else begin : g_short
      assign in_word = syndrome <= LastPos;
    end
  endgenerate
  wire fix     = odd && in_word;

  generate
    for (j = 0; j < DataW; j = j + 1) begin : g_fix
      localparam [31:0] Pos = ftsa_secded_pos(j);
      assign data_o[j] = data_i[j] ^ (fix && syndrome == Pos[ParW-1:0]);
    end
  endgenerate

  assign single_o = fix;
  assign double_o = (!odd && syn_any) || (odd && !in_word);
endmodule
