// Pooling engine: reads the source activation buffer and writes the other one.
// Max pool: window kh x kw, stride, no padding; one SRAM read per cycle,
// one word written per window.  Global average pool: per channel word, the
// sum over avg_n pixels, then sum / n rounded half away from zero
// (ftsa_rounded_mean) and clamped to int8.  N lanes work in parallel.
module ftsa_pool #(
  parameter integer N = 8
) (
  input  wire           clk_i,
  input  wire           rst_ni,
  input  wire           start_i,   // pulse while idle
  input  wire           avg_i,     // 1: global average, 0: max
  input  wire [15:0]    in_w_i,
  input  wire [15:0]    in_ct_i,
  input  wire [15:0]    out_h_i,
  input  wire [15:0]    out_w_i,
  input  wire [3:0]     kh_i,
  input  wire [3:0]     kw_i,
  input  wire [3:0]     stride_i,
  input  wire [15:0]    avg_n_i,
  output wire           busy_o,
  output wire           rd_re_o,
  output wire [15:0]    rd_addr_o,
  input  wire [N*8-1:0] rd_data_i,
  output wire           wr_we_o,
  output wire [15:0]    wr_addr_o,
  output wire [N*8-1:0] wr_data_o
);
  // Read-side counters: oy, ox, ct, ky, kx (max) or ct, p (average, in ox_q).
  reg        run_q, avg_q;
  reg [15:0] oy_q, ox_q, ct_q;
  reg [3:0]  ky_q, kx_q;

  wire win_first = avg_q ? ox_q == 16'd0 : (ky_q == 4'd0 && kx_q == 4'd0);
  wire win_last  = avg_q ? ox_q == avg_n_i - 16'd1 : (ky_q == kh_i - 4'd1 && kx_q == kw_i - 4'd1);
  wire ct_last   = ct_q == in_ct_i - 16'd1;
  wire ox_last   = ox_q == out_w_i - 16'd1;
  wire oy_last   = oy_q == out_h_i - 16'd1;
  wire done_read = win_last && ct_last && (avg_q || (ox_last && oy_last));

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0;
    end else if (start_i && !run_q) begin
      run_q <= 1'b1;
    end else if (run_q && done_read) begin
      run_q <= 1'b0;
    end
  end

  always @(posedge clk_i) begin
    if (start_i && !run_q) begin
      avg_q <= avg_i;
      oy_q  <= 16'd0;
      ox_q  <= 16'd0;
      ct_q  <= 16'd0;
      ky_q  <= 4'd0;
      kx_q  <= 4'd0;
    end else if (run_q) begin
      if (avg_q) begin
        ox_q <= win_last ? 16'd0 : ox_q + 16'd1;
        if (win_last) ct_q <= ct_q + 16'd1;
      end else if (!win_last) begin
        kx_q <= kx_q == kw_i - 4'd1 ? 4'd0 : kx_q + 4'd1;
        if (kx_q == kw_i - 4'd1) ky_q <= ky_q + 4'd1;
      end else begin
        ky_q <= 4'd0;
        kx_q <= 4'd0;
        ct_q <= ct_last ? 16'd0 : ct_q + 16'd1;
        if (ct_last) begin
          ox_q <= ox_last ? 16'd0 : ox_q + 16'd1;
          if (ox_last) oy_q <= oy_q + 16'd1;
        end
      end
    end
  end

  wire [31:0] iy        = oy_q * {12'd0, stride_i} + {28'd0, ky_q};
  wire [31:0] ix        = ox_q * {12'd0, stride_i} + {28'd0, kx_q};
  wire [31:0] pix_in    = iy[15:0] * in_w_i + ix;
  wire [31:0] max_addr  = pix_in[15:0] * in_ct_i + {16'd0, ct_q};
  wire [31:0] avg_addr  = ox_q * in_ct_i + {16'd0, ct_q};
  wire [31:0] pix_out   = oy_q * out_w_i + {16'd0, ox_q};
  wire [31:0] out_addr  = avg_q ? {16'd0, ct_q} : pix_out[15:0] * in_ct_i + {16'd0, ct_q};

  assign rd_re_o   = run_q;
  assign rd_addr_o = avg_q ? avg_addr[15:0] : max_addr[15:0];

  // Data side: one cycle behind the read.
  reg        d_valid_q, d_first_q, d_last_q;
  reg [15:0] d_addr_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) d_valid_q <= 1'b0;
    else         d_valid_q <= run_q;
  end
  always @(posedge clk_i) begin
    d_first_q <= win_first;
    d_last_q  <= win_last;
    d_addr_q  <= out_addr[15:0];
  end

  reg  [N*8-1:0]  max_q;
  reg  [N*32-1:0] sum_q;
  wire [N*8-1:0]  max_d, mean;
  wire [N*32-1:0] sum_d;
  genvar c;
  generate
    for (c = 0; c < N; c = c + 1) begin : g_lane
      wire [7:0]  v   = rd_data_i[c*8 +: 8];
      wire [31:0] v32 = {{24{v[7]}}, v};
      assign max_d[c*8 +: 8] = (d_first_q || $signed(v) > $signed(max_q[c*8 +: 8]))
                               ? v : max_q[c*8 +: 8];
      assign sum_d[c*32 +: 32] = d_first_q ? v32 : sum_q[c*32 +: 32] + v32;
      ftsa_rounded_mean u_mean (
        .sum_i   (sum_d[c*32 +: 32]),
        .count_i (avg_n_i),
        .mean_o  (mean[c*8 +: 8])
      );
    end
  endgenerate

  always @(posedge clk_i) begin
    if (d_valid_q) begin
      max_q <= max_d;
      sum_q <= sum_d;
    end
  end

  assign wr_we_o   = d_valid_q && d_last_q;
  assign wr_addr_o = d_addr_q;
  assign wr_data_o = avg_q ? mean : max_d;
  assign busy_o    = run_q || d_valid_q;

  wire unused_ok = &{1'b0, iy[31:16], pix_in[31:16], max_addr[31:16], avg_addr[31:16],
                     pix_out[31:16], out_addr[31:16]};
endmodule
