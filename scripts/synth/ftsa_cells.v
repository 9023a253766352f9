// Behavioural models of the ftsa_cells.lib cells, for gate-level simulation
// of the netlists scripts/synth/synth.py writes (ctest ecc_gate_*): one file
// for the whole library, like ftsa_cells.lib itself, whose functions it copies.
module INV (input wire A, output wire Y);
  assign Y = ~A;
endmodule
module BUF (input wire A, output wire Y);
  assign Y = A;
endmodule
module NAND2 (input wire A, input wire B, output wire Y);
  assign Y = ~(A & B);
endmodule
module NOR2 (input wire A, input wire B, output wire Y);
  assign Y = ~(A | B);
endmodule
module AND2 (input wire A, input wire B, output wire Y);
  assign Y = (A & B);
endmodule
module OR2 (input wire A, input wire B, output wire Y);
  assign Y = (A | B);
endmodule
module NAND3 (input wire A, input wire B, input wire C, output wire Y);
  assign Y = ~(A & B & C);
endmodule
module NOR3 (input wire A, input wire B, input wire C, output wire Y);
  assign Y = ~(A | B | C);
endmodule
module AOI21 (input wire A, input wire B, input wire C, output wire Y);
  assign Y = ~((A & B) | C);
endmodule
module OAI21 (input wire A, input wire B, input wire C, output wire Y);
  assign Y = ~((A | B) & C);
endmodule
module AOI22 (input wire A, input wire B, input wire C, input wire D, output wire Y);
  assign Y = ~((A & B) | (C & D));
endmodule
module OAI22 (input wire A, input wire B, input wire C, input wire D, output wire Y);
  assign Y = ~((A | B) & (C | D));
endmodule
module XOR2 (input wire A, input wire B, output wire Y);
  assign Y = (A ^ B);
endmodule
module XNOR2 (input wire A, input wire B, output wire Y);
  assign Y = ~(A ^ B);
endmodule
module MUX2 (input wire A, input wire B, input wire S, output wire Y);
  assign Y = ((A & ~S) | (B & S));
endmodule
module DFF (input wire D, input wire CK, output reg Q);
  always @(posedge CK) begin
    Q <= D;
  end
endmodule
module DFFR (input wire D, input wire RN, input wire CK, output reg Q);
  always @(posedge CK or negedge RN) begin
    if (!RN) Q <= 1'b0;
    else Q <= D;
  end
endmodule
module DFFS (input wire D, input wire SN, input wire CK, output reg Q);
  always @(posedge CK or negedge SN) begin
    if (!SN) Q <= 1'b1;
    else Q <= D;
  end
endmodule
