// Activation feeder: streams one array pass.  For each output position of the
// position tile (rows row0 .. row0+rows-1, every column) it generates the
// im2col address of input pixel (oy*stride + ky - pad, ox*stride + kx - pad),
// channel word ctile, on the fly; positions in the padding read no SRAM and
// feed the input zero point instead.  One position per cycle, no stalls.
// Each activation is stored once and read by every window that uses it.
module ftsa_feeder #(
  parameter integer N = 8
) (
  input  wire           clk_i,
  input  wire           rst_ni,
  // pass start (valid/ready): the pass parameters are latched on acceptance
  input  wire           start_i,
  output wire           ready_o,
  input  wire [3:0]     ky_i,
  input  wire [3:0]     kx_i,
  input  wire [15:0]    ctile_i,
  input  wire [15:0]    octile_i,
  input  wire           first_i,
  input  wire           last_i,
  input  wire           sel_i,
  // layer geometry (stable while a layer runs)
  input  wire [15:0]    in_h_i,
  input  wire [15:0]    in_w_i,
  input  wire [15:0]    in_ct_i,
  input  wire [15:0]    out_w_i,
  input  wire [15:0]    out_ct_i,
  input  wire [3:0]     stride_i,
  input  wire [3:0]     pad_i,
  input  wire [7:0]     zp_i,
  input  wire [15:0]    row0_i,
  input  wire [15:0]    rows_i,
  // activation SRAM read port
  output wire           act_re_o,
  output wire [15:0]    act_raddr_o,
  input  wire [N*8-1:0] act_rdata_i,
  // to the array
  output wire           valid_o,
  output wire [N*8-1:0] a_o,
  output wire           sel_o,
  output wire           first_o,
  output wire           last_o,
  output wire [15:0]    acc_addr_o,
  output wire [15:0]    out_addr_o,
  output wire           busy_o
);
  reg        run_q;
  reg [15:0] oy_q, ox_q, oy_end_q, p_q;
  reg [3:0]  ky_q, kx_q;
  reg [15:0] ctile_q, octile_q;
  reg        first_q, last_q, sel_q;

  wire last_col = ox_q == out_w_i - 16'd1;
  wire last_pos = last_col && oy_q == oy_end_q - 16'd1;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0;
    end else if (start_i && !run_q) begin
      run_q <= 1'b1;
    end else if (run_q && last_pos) begin
      run_q <= 1'b0;
    end
  end

  always @(posedge clk_i) begin
    if (start_i && !run_q) begin
      oy_q     <= row0_i;
      ox_q     <= 16'd0;
      oy_end_q <= row0_i + rows_i;
      p_q      <= 16'd0;
      ky_q     <= ky_i;
      kx_q     <= kx_i;
      ctile_q  <= ctile_i;
      octile_q <= octile_i;
      first_q  <= first_i;
      last_q   <= last_i;
      sel_q    <= sel_i;
    end else if (run_q) begin
      p_q  <= p_q + 16'd1;
      ox_q <= last_col ? 16'd0 : ox_q + 16'd1;
      if (last_col) oy_q <= oy_q + 16'd1;
    end
  end

  // im2col address of this position's input pixel.
  wire signed [21:0] oy_s     = {6'd0, oy_q};
  wire signed [21:0] ox_s     = {6'd0, ox_q};
  wire signed [21:0] stride_s = {18'd0, stride_i};
  wire signed [21:0] pad_s    = {18'd0, pad_i};
  wire signed [21:0] iy = oy_s * stride_s + $signed({18'd0, ky_q}) - pad_s;
  wire signed [21:0] ix = ox_s * stride_s + $signed({18'd0, kx_q}) - pad_s;
  wire in_bounds = !iy[21] && !ix[21] && iy < $signed({6'd0, in_h_i}) && ix < $signed({6'd0, in_w_i});
  wire [31:0] pixel_in  = iy[15:0] * in_w_i + {16'd0, ix[15:0]};
  wire [31:0] word_in   = pixel_in[15:0] * in_ct_i + {16'd0, ctile_q};
  wire [31:0] pixel_out = oy_q * out_w_i + {16'd0, ox_q};
  wire [31:0] word_out  = pixel_out[15:0] * out_ct_i + {16'd0, octile_q};

  assign act_re_o    = run_q && in_bounds;
  assign act_raddr_o = word_in[15:0];

  // Stage 1: SRAM data (or the zero point for padding) with its position.
  reg        s1_valid_q, s1_in_bounds_q, s1_sel_q, s1_first_q, s1_last_q;
  reg [15:0] s1_acc_q, s1_out_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) s1_valid_q <= 1'b0;
    else         s1_valid_q <= run_q;
  end
  always @(posedge clk_i) begin
    s1_in_bounds_q <= in_bounds;
    s1_sel_q    <= sel_q;
    s1_first_q  <= first_q;
    s1_last_q   <= last_q;
    s1_acc_q    <= p_q;
    s1_out_q    <= word_out[15:0];
  end

  assign ready_o    = !run_q;
  assign valid_o    = s1_valid_q;
  assign a_o        = s1_in_bounds_q ? act_rdata_i : {N{zp_i}};
  assign sel_o      = s1_sel_q;
  assign first_o    = s1_first_q;
  assign last_o     = s1_last_q;
  assign acc_addr_o = s1_acc_q;
  assign out_addr_o = s1_out_q;
  assign busy_o     = run_q || s1_valid_q;

  wire unused_ok = &{1'b0, pixel_in[31:16], word_in[31:16], pixel_out[31:16], word_out[31:16],
                     iy[20:16], ix[20:16]};
endmodule
