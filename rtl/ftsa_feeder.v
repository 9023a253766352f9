// Activation feeder: streams one array pass.  For each output position of the
// position tile (rows row0 .. row0+rows-1, every column) it generates the
// im2col address of input pixel (oy*stride + ky - pad, ox*stride + kx - pad),
// channel word ctile, on the fly; pixels in the padding read no SRAM and feed
// the input zero point instead.  One SRAM read per cycle, no stalls; each
// activation is stored once and read by every window that uses it.
//
// Tap packing (pack_i != 0, stride 1, layers with few input channels): array
// row r takes channel r % CP of tap kx + r / CP (CP = 2^(pack_i-1) lanes per
// tap, pack_g_i taps).  A window of pack_g_i adjacent pixels slides along the
// row in a shift register, so still one read per cycle; each output row
// starts with pack_g_i - 1 priming reads.
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
  input  wire [3:0]     pack_i,
  input  wire [7:0]     pack_g_i,
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
  localparam integer PackW = $clog2(N) + 1;       // packing modes 1 .. log2(N)+1
  localparam integer ModeW = $clog2(PackW + 1);   // bits to index the modes

  // Reads per output row: out_w + taps - 1 (taps = 1 without packing).
  wire [15:0] taps    = pack_i != 4'd0 ? {8'd0, pack_g_i} : 16'd1;
  wire [15:0] rx_last = out_w_i + taps - 16'd2;

  reg        run_q;
  reg [15:0] oy_q, rx_q, oy_end_q, p_q;
  reg [3:0]  ky_q, kx_q;
  reg [15:0] ctile_q, octile_q;
  reg        first_q, last_q, sel_q;

  wire row_end  = rx_q == rx_last;
  wire last_pos = row_end && oy_q == oy_end_q - 16'd1;
  wire emit     = rx_q >= taps - 16'd1; // the window of this read is complete
  wire [15:0] ox = rx_q - (taps - 16'd1);

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
      rx_q     <= 16'd0;
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
      if (emit) p_q <= p_q + 16'd1;
      rx_q <= row_end ? 16'd0 : rx_q + 16'd1;
      if (row_end) oy_q <= oy_q + 16'd1;
    end
  end

  // im2col address of the pixel read in this cycle (rx = ox without packing).
  wire signed [21:0] oy_s     = {6'd0, oy_q};
  wire signed [21:0] rx_s     = {6'd0, rx_q};
  wire signed [21:0] stride_s = {18'd0, stride_i};
  wire signed [21:0] pad_s    = {18'd0, pad_i};
  wire signed [21:0] iy = oy_s * stride_s + $signed({18'd0, ky_q}) - pad_s;
  wire signed [21:0] ix = rx_s * stride_s + $signed({18'd0, kx_q}) - pad_s;
  wire in_bounds = !iy[21] && !ix[21] && iy < $signed({6'd0, in_h_i}) && ix < $signed({6'd0, in_w_i});
  wire [31:0] pixel_in  = iy[15:0] * in_w_i + {16'd0, ix[15:0]};
  wire [31:0] word_in   = pixel_in[15:0] * in_ct_i + {16'd0, ctile_q};
  wire [31:0] pixel_out = oy_q * out_w_i + {16'd0, ox};
  wire [31:0] word_out  = pixel_out[15:0] * out_ct_i + {16'd0, octile_q};

  assign act_re_o    = run_q && in_bounds;
  assign act_raddr_o = word_in[15:0];

  // Stage 1: SRAM data (or the zero point for padding) with its position.
  reg        s1_read_q, s1_valid_q, s1_in_bounds_q, s1_sel_q, s1_first_q, s1_last_q;
  reg [15:0] s1_acc_q, s1_out_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_read_q  <= 1'b0;
      s1_valid_q <= 1'b0;
    end else begin
      s1_read_q  <= run_q;
      s1_valid_q <= run_q && emit;
    end
  end
  always @(posedge clk_i) begin
    s1_in_bounds_q <= in_bounds;
    s1_sel_q       <= sel_q;
    s1_first_q     <= first_q;
    s1_last_q      <= last_q;
    s1_acc_q       <= p_q;
    s1_out_q       <= word_out[15:0];
  end

  wire [N*8-1:0] word = s1_in_bounds_q ? act_rdata_i : {N{zp_i}};

  // Tap-packing window: pixel kx + g of the current position in win_d[g].
  reg  [N*8-1:0] win_q [0:N-1];
  wire [N*8-1:0] win_d [0:N-1];
  genvar g, r, k;
  generate
    for (g = 0; g < N; g = g + 1) begin : g_win
      if (g == N - 1) begin : g_top
        assign win_d[g] = word;
      end else begin : g_mid
        assign win_d[g] = g == pack_g_i - 8'd1 ? word : win_q[g+1];
      end
      // Reset: with 2*taps <= N the rows past the packed taps read slots no
      // read of the pass has written (their weights are zero, but X*0 is X).
      // Zero is what the C model's window starts from (drivers/src/hwmodel.c).
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni)        win_q[g] <= {N*8{1'b0}};
        else if (s1_read_q) win_q[g] <= win_d[g];
      end
    end
    // Row r: lane r % CP of window pixel r / CP, for the layer's CP.
    for (r = 0; r < N; r = r + 1) begin : g_row
      wire [7:0] opt [0:PackW];
      assign opt[0] = word[r*8 +: 8];
      for (k = 1; k <= PackW; k = k + 1) begin : g_mode
        localparam integer Cp = 1 << (k - 1);
        assign opt[k] = win_d[r / Cp][(r % Cp)*8 +: 8];
      end
      assign a_o[r*8 +: 8] = pack_i <= PackW[3:0] ? opt[pack_i[ModeW-1:0]] : word[r*8 +: 8];
    end
  endgenerate

  assign ready_o    = !run_q;
  assign valid_o    = s1_valid_q;
  assign sel_o      = s1_sel_q;
  assign first_o    = s1_first_q;
  assign last_o     = s1_last_q;
  assign acc_addr_o = s1_acc_q;
  assign out_addr_o = s1_out_q;
  assign busy_o     = run_q || s1_read_q;

  wire unused_ok = &{1'b0, pixel_in[31:16], word_in[31:16], pixel_out[31:16], word_out[31:16],
                     iy[20:16], ix[20:16]};
endmodule
