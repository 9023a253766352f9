#!/usr/bin/env python3
"""ftsa hardware cost: glue around Yosys (block.ys), the cell library
(ftsa_cells.lib) and the FST toggle counter (fst_toggles.c).

  synth.py run      [--set ci|full] [--only A,B] --out DIR
        synthesize the blocks of blocks.txt; writes DIR/area.json
  synth.py activity --fst FILE --toggles BIN --out FILE.json [--images N]
        per-block switching activity of a traced ftsa_top run (the setup stream,
        then N inferences), in two windows split at the end of the setup run
  synth.py report   --area F.json [--area G.json ...] [--activity A.json] --out FILE.md
        write docs/hardware-cost.md
  synth.py check    --area F.json [--activity A.json] --report FILE.md
        fail unless every row the given results produce equals the committed report

Fails (exit 1, message on stderr) on latches, unmapped cells, a missing
module, or a Yosys error.  Figures and their sources: docs/hardware-cost.md.
"""
import argparse
import fnmatch
import json
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RTL = os.path.join(ROOT, "rtl")
LIB = os.path.join(HERE, "ftsa_cells.lib")
MACROS = ("ftsa_sram",)          # modules synthesized as black-box SRAM macros
OWN_DIRS = ("cost", "ecc")      # our wrappers and ECC, under rtl/

# ---- figures used by the report (sources in docs/hardware-cost.md) ----------
NAND2_UM2 = 0.798                # NanGate45 NAND2_X1 area, um^2 = 1 GE
SRAM_BITCELL_UM2 = 0.346         # 45 nm 6T bit cell (Mistry et al., IEDM 2007)
SRAM_ARRAY_EFF = 0.5             # assumed bit-cell share of a small macro
SRAM_GE_PER_BIT = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFF / NAND2_UM2
VDD = 1.1                        # NanGate45 typical corner supply, V
# Horowitz, ISSCC 2014: 64-bit SRAM read energy at 45 nm by array size.
SRAM_PJ_PER_64B = ((8 * 1024, 10.0), (32 * 1024, 20.0), (1024 * 1024, 100.0))
# Horowitz, ISSCC 2014, 45 nm: cross-check of the PE figure.
MAC_PJ_HOROWITZ = 0.2 + 0.1      # 8-bit multiply + 32-bit add

# LeNet-5 as mapped on ftsa: conv/fc layers, output shape (H, W, C) and the
# multiply-accumulates per output element (kernel area x input channels).
LENET5 = (("conv1", 28, 28, 6, 5 * 5 * 1), ("conv2", 10, 10, 16, 5 * 5 * 6),
          ("fc1", 1, 1, 120, 400), ("fc2", 1, 1, 84, 120), ("fc3", 1, 1, 10, 84))
THR_WORD_CHANNELS = 8            # thresholds per THR SRAM word at N=8


class FlowError(Exception):
    pass


def rtl_version():
    """Last commit touching rtl/, with '+local changes' when rtl/ is dirty."""
    try:
        rev = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h", "--", "rtl"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "rtl"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
    return (rev or "unknown") + (" + local changes" if dirty else "")


# ------------------------------------------------------------------ inputs
def read_blocks(path=None):
    blocks = []
    with open(path or os.path.join(HERE, "blocks.txt")) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split(None, 5)
            if len(fields) != 6 or fields[3] not in ("ci", "full"):
                raise FlowError(f"blocks.txt:{n}: expected name top params set instances description")
            name, top, params, bset, inst, desc = fields
            tokens = [] if params == "-" else params.split(",")
            flatten = "+flatten" in tokens
            pairs = [t.split("=", 1) for t in tokens if t != "+flatten"]
            if any(len(p) != 2 for p in pairs):
                raise FlowError(f"blocks.txt:{n}: parameters are P=V,... or +flatten")
            copies = None
            if ":" in inst:
                inst, copies = inst.split(":")
                copies = int(copies)
            blocks.append(dict(name=name, top=top, params=pairs, set=bset,
                               inst=None if inst == "-" else inst, copies=copies, flatten=flatten,
                               desc=desc.strip()))
    return blocks


def verilog_modules(extra=None):
    """module name -> file, over rtl/*.v, our rtl/cost, rtl/ecc and extra."""
    found = {}
    dirs = [RTL] + [os.path.join(RTL, d) for d in OWN_DIRS] + ([extra] if extra else [])
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".v"):
                continue
            path = os.path.join(d, fn)
            with open(path) as f:
                for m in re.finditer(r"^\s*module\s+(\w+)", f.read(), re.M):
                    if m.group(1) in found:
                        raise FlowError(f"module {m.group(1)} defined twice: {found[m.group(1)]}, {path}")
                    found[m.group(1)] = path
    return found


def reachable_files(top, modules):
    """The files of top and of every module their text names: Yosys reads only
    these, so a block's netlist (ABC's result depends on the design it is
    given) does not change when an unrelated module is added to rtl/."""
    todo, files = [top], set()
    while todo:
        f = modules[todo.pop()]
        if f in files:
            continue
        files.add(f)
        with open(f) as fh:
            words = set(re.findall(r"\b\w+\b", fh.read()))
        todo += [m for m in words & modules.keys() if modules[m] not in files]
    return files


def read_liberty(path):
    """cell -> {area, inputs: {pin: cap fF}, clock: pin or None, ff: bool}."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    cells = {}
    for m in re.finditer(r"cell\s*\(\s*(\w+)\s*\)\s*\{", text):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i]
        cell = dict(area=float(re.search(r"area\s*:\s*([\d.]+)", body).group(1)),
                    inputs={}, clock=None, ff="ff (" in body or "ff(" in body)
        for p in re.finditer(r"pin\s*\(\s*(\w+)\s*\)\s*\{([^}]*)\}", body):
            if "direction : input" in p.group(2):
                cap = re.search(r"capacitance\s*:\s*([\d.]+)", p.group(2))
                cell["inputs"][p.group(1)] = float(cap.group(1)) if cap else 0.0
                if "clock : true" in p.group(2):
                    cell["clock"] = p.group(1)
        cells[m.group(1)] = cell
    return cells


# ------------------------------------------------------------------ synthesis
def yosys_script(block, modules, workdir):
    if block["top"] not in modules:
        raise FlowError(f"block {block['name']}: module {block['top']} not found in rtl/*.v "
                        f"(renamed by the RTL? update scripts/synth/blocks.txt)")
    for macro in MACROS:
        if macro not in modules:
            raise FlowError(f"SRAM macro module {macro} not found in rtl/*.v "
                            f"(update MACROS in scripts/synth/synth.py)")
    macro_files = sorted({modules[m] for m in MACROS})
    sources = sorted(f for f in reachable_files(block["top"], modules) if f not in macro_files)
    chparam = "\n".join(f"chparam -set {k} {v} {block['top']}" for k, v in block["params"])
    incdirs = " ".join(f"-I{d}" for d in [RTL] + [os.path.join(RTL, d) for d in OWN_DIRS])
    out = {k: os.path.join(workdir, f"{block['name']}.{k}")
           for k in ("ys", "log", "json", "stat", "cmos")}
    out["netlist"] = os.path.join(workdir, f"{block['name']}.netlist.v")
    with open(os.path.join(HERE, "block.ys")) as f:
        script = f.read()
    for key, val in (("INCDIRS", incdirs), ("SOURCES", " ".join(sources)),
                     ("MACROS", " ".join(macro_files)), ("CHPARAM", chparam),
                     ("TOP", block["top"]), ("LIB", LIB),
                     ("FLATTEN", "flatten" if block["flatten"] else ""), ("JSON", out["json"]),
                     ("STAT", out["stat"]), ("CMOS", out["cmos"]),
                     ("NETLIST", out["netlist"])):
        script = script.replace(f"@{key}@", val)
    with open(out["ys"], "w") as f:
        f.write(script)
    return out


def param_int(v):
    if isinstance(v, int):
        return v
    return int(v, 2) if re.fullmatch(r"[01]+", v) else int(v)


def short_type(t):
    m = re.search(r"\\(\w+)", t)
    return m.group(1) if t.startswith("$paramod") and m else t.lstrip("\\")


def module_cost(name, mods, lib, memo, path):
    if name in memo:
        return memo[name]
    mod = mods[name]
    res = dict(area=0.0, cells=0, ffs=0, cap_data=0.0, cap_clk=0.0, macros=[], unmapped=[],
               children=[])
    for cname, cell in mod.get("cells", {}).items():
        t = cell["type"]
        if t in lib:
            c = lib[t]
            res["area"] += c["area"]
            res["cells"] += 1
            res["ffs"] += c["ff"]
            for pin, cap in c["inputs"].items():
                res["cap_clk" if pin == c["clock"] else "cap_data"] += cap
        elif short_type(t) in MACROS:
            p = {k: param_int(v) for k, v in cell.get("parameters", {}).items()}
            if "Depth" not in p or "Width" not in p:
                raise FlowError(f"{path}.{cname}: macro {t} without Depth/Width parameters")
            res["macros"].append(dict(inst=f"{path}.{cname}", depth=p["Depth"], width=p["Width"]))
        elif t in mods and not mods[t].get("attributes", {}).get("blackbox"):
            sub = module_cost(t, mods, lib, memo, f"{path}.{cname}")
            for k in ("area", "cells", "ffs", "cap_data", "cap_clk"):
                res[k] += sub[k]
            res["macros"] += [dict(m, inst=m["inst"].replace(sub["path"], f"{path}.{cname}", 1))
                              for m in sub["macros"]]
            res["unmapped"] += sub["unmapped"]
            res["children"].append(dict(inst=cname, type=short_type(t), area=sub["area"],
                                        ffs=sub["ffs"], cap_data=sub["cap_data"],
                                        cap_clk=sub["cap_clk"],
                                        sram_bits=sum(m["depth"] * m["width"] for m in sub["macros"])))
        else:
            res["unmapped"].append(f"{path}.{cname} ({t})")
    res["path"] = path
    memo[name] = res
    return res


def synth_block(block, modules, lib, workdir):
    out = yosys_script(block, modules, workdir)
    t0 = time.time()
    with open(out["log"], "w") as log:
        rc = subprocess.call(["yosys", "-q", "-l", out["log"] + ".full", "-s", out["ys"]],
                             stdout=log, stderr=subprocess.STDOUT)
    elapsed = time.time() - t0
    full = open(out["log"] + ".full").read() if os.path.exists(out["log"] + ".full") else ""
    if rc != 0:
        tail = "\n".join(full.splitlines()[-15:])
        if "Assertion failed: selection is not empty" in full:
            raise FlowError(f"block {block['name']}: LATCH inferred (see {out['log']}.full)\n{tail}")
        if "cannot be legalized" in full:
            raise FlowError(f"block {block['name']}: UNMAPPED cells: a flop type with no cell in "
                            f"ftsa_cells.lib (see {out['log']}.full)\n{tail}")
        raise FlowError(f"block {block['name']}: yosys failed (exit {rc}), log {out['log']}.full\n{tail}")
    latches = re.findall(r"Latch inferred for signal [^\n]*", full)
    if latches:
        raise FlowError(f"block {block['name']}: LATCH inferred: " + "; ".join(latches[:5]))
    with open(out["json"]) as f:
        mods = json.load(f)["modules"]
    tops = [m for m, v in mods.items() if param_int(v.get("attributes", {}).get("top", "0"))]
    if len(tops) != 1:
        raise FlowError(f"block {block['name']}: expected one top module in the netlist, got {tops}")
    cost = module_cost(tops[0], mods, lib, {}, block["top"])
    if cost["unmapped"]:
        raise FlowError(f"block {block['name']}: UNMAPPED cells (not in ftsa_cells.lib): "
                        + ", ".join(cost["unmapped"][:10]))
    cmos = re.findall(r"Estimated number of transistors:\s+(\d+)(\+?)", open(out["cmos"]).read())
    if not cmos:
        raise FlowError(f"block {block['name']}: no transistor estimate in {out['cmos']}")
    return dict(name=block["name"], top=block["top"], set=block["set"], desc=block["desc"],
                params=block["params"], flatten=block["flatten"], inst=block["inst"],
                copies=block["copies"],
                area_ge=round(cost["area"], 1), cells=cost["cells"], ffs=cost["ffs"],
                transistors=int(cmos[-1][0]), transistors_partial=bool(cmos[-1][1]),
                cap_data_ff=round(cost["cap_data"], 1), cap_clk_ff=round(cost["cap_clk"], 1),
                macros=cost["macros"],
                children=[dict(c, area=round(c["area"], 1), cap_data=round(c["cap_data"], 1),
                               cap_clk=round(c["cap_clk"], 1)) for c in cost["children"]],
                runtime_s=round(elapsed, 1))


def cmd_run(args):
    blocks = [b for b in read_blocks(args.blocks) if args.set == "full" or b["set"] == "ci"]
    if args.only:
        want = args.only.split(",")
        missing = set(want) - {b["name"] for b in blocks}
        if missing:
            raise FlowError(f"--only: unknown blocks {sorted(missing)}")
        blocks = [b for b in blocks if b["name"] in want]
    os.makedirs(args.out, exist_ok=True)
    modules, lib = verilog_modules(args.extra), read_liberty(LIB)
    results, t0 = [], time.time()
    for b in blocks:
        r = synth_block(b, modules, lib, args.out)
        print(f"{r['name']:18s} {r['area_ge']:10.1f} GE {r['ffs']:6d} flops "
              f"{r['transistors']:8d} transistors  ({r['runtime_s']} s)", flush=True)
        results.append(r)
        path = os.path.join(args.out, "area.json")
        with open(path + ".tmp", "w") as f:
            json.dump(dict(set=args.set, rtl=rtl_version(), blocks=results), f, indent=1)
        os.replace(path + ".tmp", path)
    if not results:
        raise FlowError("no blocks selected")
    print(f"{len(results)} blocks in {time.time() - t0:.1f} s -> {path}")


# ------------------------------------------------------------------ activity
RUN_SIGNAL = "busy_o"   # ftsa_top: high while the controller runs a command stream
# Ports and wires of the simulation-only FTSA_FAULTS and FTSA_DPI blocks (rtl/ftsa_top.v,
# rtl/ftsa_sram.v): in the trace, but not in the synthesized netlists whose pins they'd dilute.
SIM_ONLY = ("flt_", "dpi_")


def fst_toggles(args, *opts):
    """The output lines of fst_toggles with opts on the trace."""
    proc = subprocess.run([args.toggles, *opts, args.fst], capture_output=True, text=True)
    if proc.returncode != 0:
        raise FlowError(f"{args.toggles} failed: {proc.stderr.strip()}")
    return proc.stdout.splitlines()


def fst_counts(args, *window):
    """fst_toggles over the trace or a window (--from T / --to T):
    header fields and (scope, name, width, toggles, high, rises) per signal."""
    lines = fst_toggles(args, *window)
    header = {k: int(v) for k, v in (kv.split("=", 1) for kv in lines[0].split()[1:])}
    sigs = []
    for line in lines[1:]:
        scope, name, *nums = line.split("\t")
        sigs.append((scope, name, *map(int, nums)))
    return header, sigs


def top_scope(sigs, fst):
    tops = {s[0].split(".")[0] + "." + s[0].split(".")[1] for s in sigs
            if s[0].count(".") >= 1 and s[0].split(".")[1] == "ftsa_top"}
    if len(tops) != 1:
        raise FlowError(f"activity: no single ftsa_top scope in {fst} ({sorted(tops)[:3]})")
    return tops.pop()


def run_ends(args, top):
    """Trace times at which ftsa_top stops being busy: the end of each
    command-stream run (ftsa_sim_run), in order."""
    ends, prev = [], None
    for line in fst_toggles(args, "--changes", f"{top}.{RUN_SIGNAL}"):
        time_, value = line.split("\t")
        if prev == "1" and value == "0":
            ends.append(int(time_))
        prev = value
    return ends


def window_activity(header, sigs, top):
    """Cycles (rising edges of clk_i), cycles busy, per-block toggles and
    per-SRAM access cycles of one window of the trace."""
    rel = [(s[0][len(top) + 1:] if s[0] != top else "", *s[1:]) for s in sigs
           if (s[0] == top or s[0].startswith(top + ".")) and not s[1].startswith(SIM_ONLY)]
    clk = [s for s in rel if s[0] == "" and s[1] == "clk_i"]
    if not clk:
        raise FlowError("activity: ftsa_top.clk_i not traced")
    cycles = clk[0][5]
    # cycles with a signal high: its time high over the window's time per cycle
    per_cycle = cycles / max(1, header["to"] - header["from"])
    busy = sum(s[4] for s in rel if s[0] == "" and s[1] == RUN_SIGNAL)
    srams = {}
    for scope, name, width, tog, high, rises in rel:
        if re.fullmatch(r"(g_act\.[^.]*\.)?u_\w+|g_act\[\d\]\.u_act", scope) and name in ("re_i", "we_i"):
            srams.setdefault(scope, {})[name] = round(high * per_cycle)
    blocks = {}
    for b in read_blocks():
        if not b["inst"]:
            continue
        pat = b["inst"].replace("[", "[[]")
        scopes = sorted({s[0] for s in rel if fnmatch.fnmatchcase(s[0], pat)})
        inside = [s for s in rel if any(s[0] == sc or s[0].startswith(sc + ".") for sc in scopes)]
        bits = sum(s[2] for s in inside if s[1] != "clk_i")
        toggles = sum(s[3] for s in inside if s[1] != "clk_i")
        if scopes:
            blocks[b["name"]] = dict(scopes=len(scopes), bits=bits, toggles=toggles)
    return {"from": header["from"], "to": header["to"], "cycles": cycles,
            "busy_cycles": round(busy * per_cycle),
            "blocks": blocks, "srams": dict(sorted(srams.items()))}


def window_totals(win):
    return [win["cycles"], win["busy_cycles"]] + [b["toggles"] for b in win["blocks"].values()]


def cmd_activity(args):
    """Per-block activity of a traced ftsa_top run, split at the end of the
    setup run into the setup window (once per network load) and the window of
    the inference runs (args.images, weights resident)."""
    header, sigs = fst_counts(args)
    top = top_scope(sigs, args.fst)
    ends = run_ends(args, top)
    if len(ends) != args.images + 1:
        raise FlowError(f"activity: {top}.{RUN_SIGNAL} shows {len(ends)} runs, expected the "
                        f"setup run and {args.images} inference run(s)")
    split = ends[0]
    whole = window_activity(header, sigs, top)
    setup = window_activity(*fst_counts(args, "--to", str(split)), top)
    infer = window_activity(*fst_counts(args, "--from", str(split)), top)
    if [a + b for a, b in zip(window_totals(setup), window_totals(infer))] \
            != window_totals(whole):
        raise FlowError("activity: the setup and inference windows do not add up to the trace")
    with open(args.out, "w") as f:
        json.dump(dict(fst=os.path.basename(args.fst), rtl=rtl_version(), images=args.images,
                       split=dict(signal=f"{top.split('.', 1)[1]}.{RUN_SIGNAL}",
                                  falls_at=split),
                       setup=setup, inference=infer), f, indent=1)
    print(f"setup {setup['cycles']} cycles ({setup['busy_cycles']} busy), "
          f"{args.images} inference(s) {infer['cycles']} cycles ({infer['busy_cycles']} busy), "
          f"{len(infer['blocks'])} blocks with activity -> {args.out}")


# ------------------------------------------------------------------ report
def ge(x):
    return f"{x:,.0f}"


def pct(x):
    return f"{x:.2f} %"


def sram_pj(depth, width):
    """Energy of one access: Horowitz's 64-bit read energy interpolated on the
    log of the macro size (bytes), scaled linearly to the word width."""
    size = max(depth * width / 8, SRAM_PJ_PER_64B[0][0])
    x = math.log(size)
    pairs = list(zip(SRAM_PJ_PER_64B, SRAM_PJ_PER_64B[1:]))
    for (s0, e0), (s1, e1) in pairs:
        if size <= s1 or (s1, e1) == pairs[-1][1]:
            e = e0 + (e1 - e0) * (x - math.log(s0)) / (math.log(s1) - math.log(s0))
            return e * width / 64
    raise AssertionError("unreachable")


def check_bits(width):
    r = 1
    while (1 << r) < width + r + 1:
        r += 1
    return r + 1


def threshold_memory():
    """(method, thresholds, THR SRAM words at N=8) for LeNet-5.  A THR word holds
    the thresholds of N channels of one pixel, so each layer rounds its channels
    up to whole words."""
    words = lambda c: -(-c // THR_WORD_CHANNELS)
    return (("ReLU only", 0, 0),
            ("per layer (clip-to-zero or saturate)", len(LENET5), 0),
            ("per channel", sum(l[3] for l in LENET5), sum(words(l[3]) for l in LENET5)),
            ("per neuron", sum(l[1] * l[2] * l[3] for l in LENET5),
             sum(l[1] * l[2] * words(l[3]) for l in LENET5)))


def lenet5_macs():
    return sum(h * w * c * k for _, h, w, c, k in LENET5)


def runs(activity, window):
    """Runs in a window of the activity summary: the setup stream once, the
    inference stream once per image."""
    return activity["images"] if window == "inference" else 1


def energy(block, activity, window, copies=None):
    """Per run of a window (pJ): toggles per bit per cycle, copies, switching
    (1/2 C V^2 per net transition at the block's mean toggle rate) and the
    flops' clock pins (C V^2 per cycle)."""
    win, n = activity[window], runs(activity, window)
    act = win["blocks"][block["name"]]
    copies = copies or act["scopes"]
    per_bit = act["toggles"] / act["bits"] if act["bits"] else 0.0
    data = 0.5 * block["cap_data_ff"] * 1e-3 * VDD ** 2 * per_bit * copies / n
    clk = block["cap_clk_ff"] * 1e-3 * VDD ** 2 * win["cycles"] * copies / n
    return per_bit / win["cycles"], copies, data, clk


def sram_energy(top, byname, activity, window):
    """Per SRAM macro of ftsa_top, per run of a window: instance, reads, writes,
    pJ per access, SRAM pJ, and the pJ of a SECDED pair on it (None without
    the coders' synthesis results)."""
    win, n = activity[window], runs(activity, window)
    out = []
    for m in top["macros"]:
        acc = win["srams"].get(m["inst"].split(".", 1)[1], {})
        reads, writes = acc.get("re_i", 0) / n, acc.get("we_i", 0) / n
        e = sram_pj(m["depth"], m["width"])
        enc, dec = byname.get(f"ecc_enc_{m['width']}"), byname.get(f"ecc_dec_{m['width']}")
        ecc = None
        if enc and dec:
            # half of the coder's input pins switch per access (random data)
            ecc = 0.5 * VDD ** 2 * 1e-3 * 0.5 * (enc["cap_data_ff"] * writes
                                                 + dec["cap_data_ff"] * reads)
        out.append((m["inst"], reads, writes, e, (reads + writes) * e, ecc))
    return out


def build_report(results, activity):
    byname = {r["name"]: r for r in results}
    rows = {}   # table -> list of (key, line)

    def table(tid, key, cells):
        rows.setdefault(tid, []).append((key, "| " + " | ".join(cells) + " |"))

    for r in results:
        params = ",".join(f"{k}={v}" for k, v in r["params"]) or "-"
        if r.get("flatten"):
            params += " (flattened)"
        bits = sum(m["depth"] * m["width"] for m in r["macros"])
        table("blocks", r["name"], [f"`{r['name']}`", r["desc"], f"`{r['top']}` {params}",
                                    ge(r["area_ge"]), str(r["ffs"]),
                                    f"{r['transistors']:,}" + ("+" if r["transistors_partial"] else ""),
                                    f"{bits:,}" if bits else "-", r["set"]])
    top = byname.get("top_n8")
    if top:
        for c in top["children"]:
            table("top", "top:" + c["inst"], [f"`{c['inst']}`", f"`{c['type']}`", ge(c["area"]),
                                              str(c["ffs"]), pct(100 * c["area"] / top["area_ge"])])
        glue = top["area_ge"] - sum(c["area"] for c in top["children"])
        table("top", "top:glue", ["(top-level muxes)", "-", ge(glue), "-",
                                  pct(100 * glue / top["area_ge"])])
        for m in top["macros"]:
            bits = m["depth"] * m["width"]
            table("sram", "sram:" + m["inst"], [f"`{m['inst']}`", f"{m['depth']} x {m['width']}",
                                                f"{bits:,}", ge(bits * SRAM_GE_PER_BIT)])
        bits = sum(m["depth"] * m["width"] for m in top["macros"])
        table("sram", "sram:total", ["total", "-", f"{bits:,}", ge(bits * SRAM_GE_PER_BIT)])
        table("sram", "sram:chip", ["whole accelerator: logic + SRAM", "-", "-",
                                    ge(top["area_ge"] + bits * SRAM_GE_PER_BIT)])

    base = byname.get("clip_relu")
    thr_words = {m[0].split()[1] if m[0].startswith("per ") else "relu": m[2]
                 for m in threshold_memory()}
    for r in results:
        if not r["name"].startswith("clip_") or r["name"].endswith("_n16"):
            continue
        method = "neuron" if r["name"] == "clip_all" else r["name"].rsplit("_", 1)[1]
        thr_bits = thr_words.get(method, 0) * THR_WORD_CHANNELS * 8
        extra = r["area_ge"] - base["area_ge"] if base else None
        cells = [f"`{r['name']}`", r["desc"], ge(r["area_ge"]),
                 ge(extra) if base else "-"]
        for arr in ("array_n8", "array_n16"):
            a = byname.get(arr)
            lanes = 2 if arr == "array_n16" else 1   # N=16 needs twice the lanes
            cells.append(pct(100 * lanes * extra / a["area_ge"]) if a and base else "-")
        a8 = byname.get("array_n8")
        cells += [f"{thr_bits:,}",
                  pct(100 * (extra + thr_bits * SRAM_GE_PER_BIT) / a8["area_ge"])
                  if a8 and base else "-"]
        table("clip", r["name"], cells)

    for w in (32, 64, 96, 128, 256):
        enc, dec = byname.get(f"ecc_enc_{w}"), byname.get(f"ecc_dec_{w}")
        if not (enc and dec):
            continue
        pair = enc["area_ge"] + dec["area_ge"]
        a8 = byname.get("array_n8")
        table("ecc", f"ecc:{w}", [str(w), str(check_bits(w)), pct(100 * check_bits(w) / w),
                                  ge(enc["area_ge"]), ge(dec["area_ge"]), ge(pair),
                                  pct(100 * pair / a8["area_ge"]) if a8 else "-"])
    if top and all(f"ecc_{k}_{w}" in byname for k in ("enc", "dec") for w in (64, 96, 256)):
        logic = check = 0
        for m in top["macros"]:
            w = m["width"]
            logic += byname[f"ecc_enc_{w}"]["area_ge"] + byname[f"ecc_dec_{w}"]["area_ge"]
            check += m["depth"] * check_bits(w)
        bits = sum(m["depth"] * m["width"] for m in top["macros"])
        a8 = byname["array_n8"]["area_ge"]
        chip = top["area_ge"] + bits * SRAM_GE_PER_BIT
        table("eccsum", "eccsum", [ge(logic), pct(100 * logic / a8), f"{check:,}",
                                   pct(100 * check / bits), ge(check * SRAM_GE_PER_BIT),
                                   pct(100 * check * SRAM_GE_PER_BIT / a8),
                                   pct(100 * (logic + check * SRAM_GE_PER_BIT) / chip)])

    for name, entries, words in threshold_memory():
        bits = words * THR_WORD_CHANNELS * 8
        table("thr", "thr:" + name, [name, f"{entries:,}", f"{entries:,}", f"{words:,}",
                                     f"{bits:,}", ge(bits * SRAM_GE_PER_BIT)])

    if activity:
        copies_of = {b["name"]: b["copies"] for b in read_blocks()}
        for r in results:
            if r["name"] not in activity["inference"]["blocks"]:
                continue
            cells = [f"`{r['name']}`"]
            for window in ("inference", "setup"):
                rate, copies, data, clk = energy(r, activity, window, copies_of.get(r["name"]))
                if window == "inference":
                    cells += [str(copies), f"{rate:.4f}", f"{data / 1000:,.2f}",
                              f"{clk / 1000:,.2f}"]
                else:
                    cells += [f"{rate:.4f}"]
                cells += [f"{(data + clk) / 1000:,.2f}"]
            table("energy", "energy:" + r["name"], cells)
        macs = lenet5_macs()
        table("energy", "energy:horowitz",
              [f"(Horowitz: {macs:,} MACs x {MAC_PJ_HOROWITZ:.1f} pJ)", "-", "-", "-", "-",
               f"{macs * MAC_PJ_HOROWITZ / 1000:,.2f}", "-", "-"])
        if top:
            per = {w: sram_energy(top, byname, activity, w) for w in ("inference", "setup")}
            for i, m in enumerate(top["macros"]):
                cells = [f"`{m['inst']}`", f"{per['inference'][i][3]:.1f}"]
                for window in ("inference", "setup"):
                    _, reads, writes, _, e, ecc = per[window][i]
                    cells += [f"{reads:,.0f}", f"{writes:,.0f}", f"{e / 1000:,.2f}",
                              f"{ecc / 1000:,.3f}" if ecc is not None else "-"]
                table("sramenergy", "se:" + m["inst"], cells)
            cells = ["total", "-"]
            for window in ("inference", "setup"):
                eccs = [x[5] for x in per[window] if x[5] is not None]
                cells += ["-", "-", f"{sum(x[4] for x in per[window]) / 1000:,.2f}",
                          f"{sum(eccs) / 1000:,.3f}" if eccs else "-"]
            table("sramenergy", "se:total", cells)
    summary(byname, top, activity, table)
    return rows


def summary(byname, top, activity, table):
    """Headline ratios, from whatever blocks the run has."""
    a8, a16 = byname.get("array_n8"), byname.get("array_n16")
    relu, full = byname.get("clip_relu"), byname.get("clip_all")
    if a8:
        table("summary", "sum:a8", ["systolic array N=8 (64 PEs)", ge(a8["area_ge"]) + " GE"])
    if a16:
        table("summary", "sum:a16", ["systolic array N=16 (256 PEs)", ge(a16["area_ge"]) + " GE"])
    if top:
        bits = sum(m["depth"] * m["width"] for m in top["macros"])
        table("summary", "sum:top", ["ftsa_top N=8: logic / SRAM",
                                     f"{ge(top['area_ge'])} GE / {bits:,} bits "
                                     f"({ge(bits * SRAM_GE_PER_BIT)} GE)"])
    if a8 and relu and full:
        table("summary", "sum:clip", ["clip unit as built (all modes and sources) over ReLU, "
                                      "logic / array N=8",
                                      pct(100 * (full["area_ge"] - relu["area_ge"]) / a8["area_ge"])])
        cheapest = min((r for n, r in byname.items() if n.startswith("clip_")
                        and n not in ("clip_relu", "clip_all") and not n.endswith("_n16")),
                       key=lambda r: r["area_ge"], default=None)
        if cheapest:
            table("summary", "sum:clipmin", [f"cheapest clipping variant (`{cheapest['name']}`) "
                                             "over ReLU / array N=8",
                                             pct(100 * (cheapest["area_ge"] - relu["area_ge"])
                                                 / a8["area_ge"])])
    if top and a8 and all(f"ecc_{k}_{m['width']}" in byname for k in ("enc", "dec")
                          for m in top["macros"]):
        logic = sum(byname[f"ecc_enc_{m['width']}"]["area_ge"]
                    + byname[f"ecc_dec_{m['width']}"]["area_ge"] for m in top["macros"])
        check = sum(m["depth"] * check_bits(m["width"]) for m in top["macros"])
        table("summary", "sum:ecc", ["SECDED on every SRAM: coder logic / array N=8; "
                                     "check-bit storage",
                                     f"{pct(100 * logic / a8['area_ge'])}; {check:,} bits "
                                     f"({ge(check * SRAM_GE_PER_BIT)} GE)"])
    if not activity:
        return
    what = {"inference": "energy per LeNet-5 inference, weights resident",
            "setup": "energy of the setup stream, once per network load"}
    blocks = activity["inference"]["blocks"]
    if top and "top_n8" in blocks:
        totals = {}
        for window in what:
            logic = sum(energy(top, activity, window, 1)[2:])
            sram = sum(x[4] for x in sram_energy(top, byname, activity, window))
            totals[window] = f"{(logic + sram) / 1000:,.1f} nJ"
        table("summary", "sum:etop", ["energy of ftsa_top N=8, logic (lower bound) and SRAM "
                                      "accesses: per inference, weights resident / setup "
                                      "stream, once per network load",
                                      f"{totals['inference']} / {totals['setup']}"])
    if a8 and full and "array_n8" in blocks and "clip_all" in blocks:
        for window, text in what.items():
            ea = sum(energy(a8, activity, window, 1)[2:])
            ec = sum(energy(full, activity, window, 1)[2:])
            table("summary", "sum:eclip:" + window,
                  [f"{text}: array N=8 / clip unit as built (logic, lower bounds)",
                   f"{ea / 1000:,.1f} nJ / {ec / 1000:,.2f} nJ ({pct(100 * ec / ea)})"])


def render(rows, results, activity):
    r = {x["name"]: x for x in results}
    out = []
    w = out.append

    def emit(tid, header):
        if tid not in rows:
            w("(not in this run: needs the full sweep" +
              (" and a traced run)" if tid in ("energy", "sramenergy") else ")") + "\n")
            return
        w(header)
        w("|" + "---|" * header.count("|", 1))
        for _, line in rows[tid]:
            w(line)
        w("")

    with open(os.path.join(HERE, "report_head.md")) as f:
        head = f.read()
    w(head.replace("@SRAM_GE_PER_BIT@", f"{SRAM_GE_PER_BIT:.3f}").rstrip() + "\n")
    versions = sorted({x.get("rtl", "unknown") for x in results_meta})
    w(f"Synthesized RTL: {', '.join(versions)}.\n")
    w("## Summary\n")
    emit("summary", "| figure | value |")
    w("## Blocks\n")
    w("Area in NAND2 gate equivalents (GE) of `ftsa_cells.lib`; flops are single-bit "
      "flip-flops; transistors are Yosys' `stat -tech cmos` estimate of the same logic before "
      "library mapping; SRAM bits are macros, not in the GE column.\n")
    emit("blocks", "| block | what | top, parameters | area (GE) | flops | transistors | SRAM bits | set |")
    w("## ftsa_top (N=8) by instance\n")
    emit("top", "| instance | module | area (GE) | flops | share of logic |")
    w("## SRAM macros (N=8)\n")
    w(f"Bits to area: {SRAM_GE_PER_BIT:.3f} GE per bit (see Sources).\n")
    emit("sram", "| instance | depth x width | bits | GE equivalent |")
    w("## Clip unit variants (8 lanes, N=8)\n")
    w("Each variant is `rtl/cost/ftsa_cost_clip.v` with the mode and the threshold source "
      "fixed, so Yosys removes the rest, and with the threshold storage the method needs "
      "beside the lanes (per layer: one 8-bit register; per channel: N 8-bit registers; per "
      "neuron: the THR SRAM read-address adder, the SRAM itself counted below). The overhead "
      "is the increment over ReLU only, relative to the systolic array; for N=16 the clip "
      "unit has 16 lanes, taken as twice the 8-lane figure. The last two columns add the "
      "THR SRAM bits the method needs for LeNet-5 (table below) at the SRAM GE-per-bit "
      "factor; `clip_all` is charged the per-neuron memory.\n")
    emit("clip", "| variant | what | area (GE) | over ReLU (GE) | over ReLU / array N=8 | "
         "over ReLU / array N=16 | LeNet-5 threshold SRAM bits | with that SRAM / array N=8 |")
    w("### Threshold memory for LeNet-5\n")
    w("Thresholds are int8, one per layer, per output channel or per output element of the "
      "conv/fc layers: conv1 28x28x6, conv2 10x10x16, fc 120, 84, 10. Per-layer thresholds "
      "are a layer register (no SRAM); per-channel and per-neuron ones live in the THR SRAM, "
      "whose 64-bit word (N=8) holds the 8 thresholds of 8 channels of one pixel, so each "
      "layer rounds its channels up to whole words. The as-built THR SRAM of `ftsa_top` is "
      "in the SRAM table; its bits are not in the clip variants' GE.\n")
    emit("thr", "| method | thresholds | bytes | THR SRAM words (N=8) | THR SRAM bits | GE equivalent |")
    w("## SECDED ECC\n")
    w("`rtl/ecc/ftsa_secded_enc.v` / `ftsa_secded_dec.v`: extended Hamming code per SRAM "
      "word, correcting one flipped bit and detecting two. One encoder on the write port and "
      "one decoder on the read port protect one SRAM.\n")
    emit("ecc", "| data bits | check bits | storage overhead | encoder (GE) | decoder (GE) | pair (GE) | pair / array N=8 |")
    w("Protecting every SRAM of `ftsa_top` (N=8): one encoder/decoder pair per SRAM at its "
      "word width, and the check bits stored beside each word.\n")
    emit("eccsum", "| ECC logic (GE) | logic / array N=8 | check bits | / data bits | check bits in GE | "
         "check bits / array N=8 | logic and check bits / whole accelerator (logic + SRAM) |")
    w("## Dynamic energy: per inference and per network load\n")
    if activity:
        setup, infer, n = activity["setup"], activity["inference"], activity["images"]
        w(f"From a Verilated `ftsa_top` (N=8) run of `{activity['fst']}` (RTL "
          f"{activity.get('rtl', 'unknown')}): the setup stream, which makes the weights and "
          f"parameters resident, then {n} inference(s). The trace is split where "
          f"`{activity['split']['signal']}` falls at the end of the setup run: the setup "
          f"window is {setup['cycles']:,} cycles ({setup['busy_cycles']:,} running the setup "
          f"stream), once per network load; an inference is {infer['cycles'] / n:,.0f} cycles "
          f"({infer['busy_cycles'] / n:,.0f} running the inference stream); the other cycles "
          "are reset and the CSR writes that start each run. A batch of B images costs the "
          "setup once plus B inferences. Rows overlap: the array contains the PEs, `post_n8` "
          "the requantizers, `top_n8` everything; the clip rows are alternatives. Method and "
          "limits in the section below.\n")
    emit("energy", "| block | copies | inference: toggles per bit per cycle | switching (nJ) | "
         "clock pins (nJ) | total per inference (nJ) | setup: toggles per bit per cycle | "
         "total per network load (nJ) |")
    w("SRAM accesses and their energy, and the energy of a SECDED encoder/decoder pair on "
      "each SRAM (encode per write, decode per read) for comparison, per inference and for "
      "the setup stream (once per network load):\n")
    emit("sramenergy", "| SRAM | pJ per access | inference: reads | writes | SRAM (nJ) | "
         "ECC (nJ) | setup: reads | writes | SRAM (nJ) | ECC (nJ) |")
    with open(os.path.join(HERE, "report_tail.md")) as f:
        w(f.read().rstrip())
    return "\n".join(out) + "\n"


results_meta = []   # the area.json headers of the loaded results (RTL version)


def load_results(paths):
    results = {}
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        results_meta.append(dict(rtl=data.get("rtl", "unknown")))
        for r in data["blocks"]:
            results[r["name"]] = r
    order = [b["name"] for b in read_blocks()]
    return [results[n] for n in order if n in results]


def load_activity(path):
    if not path:
        return None
    with open(path) as f:
        activity = json.load(f)
    if "setup" not in activity or "inference" not in activity:
        raise FlowError(f"{path}: no setup and inference windows (an activity summary from "
                        "before they were split); regenerate it with `synth.py activity`")
    return activity


def cmd_report(args):
    results = load_results(args.area)
    text = render(build_report(results, load_activity(args.activity)), results,
                  load_activity(args.activity))
    with open(args.out, "w") as f:
        f.write(text)
    print(f"wrote {args.out}")


def cmd_check(args):
    results = load_results(args.area)
    rows = build_report(results, load_activity(args.activity))
    committed = open(args.report).read().splitlines()
    bad = 0
    for tid, entries in rows.items():
        for key, line in entries:
            if line not in committed:
                first = line.split("|")[1].strip()
                near = [c for c in committed if c.startswith("| " + first + " |")]
                print(f"MISMATCH {key}:\n  fresh:     {line}\n  committed: "
                      f"{near[0] if near else '(missing)'}", file=sys.stderr)
                bad += 1
    if bad:
        raise FlowError(f"{bad} row(s) of {args.report} differ from a fresh run; regenerate with "
                        "`cmake --build build-synth --target hardware_cost_report`")
    print(f"{sum(len(v) for v in rows.values())} rows of {args.report} match a fresh run")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run")
    p.add_argument("--set", choices=("ci", "full"), default="ci")
    p.add_argument("--only")
    p.add_argument("--out", required=True)
    p.add_argument("--blocks", help="block list (default scripts/synth/blocks.txt)")
    p.add_argument("--extra", help="directory of further Verilog modules (tests)")
    p = sub.add_parser("activity")
    p.add_argument("--fst", required=True)
    p.add_argument("--toggles", required=True)
    p.add_argument("--images", type=int, default=1)
    p.add_argument("--out", required=True)
    p = sub.add_parser("report")
    p.add_argument("--area", action="append", required=True)
    p.add_argument("--activity")
    p.add_argument("--out", required=True)
    p = sub.add_parser("check")
    p.add_argument("--area", action="append", required=True)
    p.add_argument("--activity")
    p.add_argument("--report", required=True)
    args = ap.parse_args()
    try:
        {"run": cmd_run, "activity": cmd_activity, "report": cmd_report, "check": cmd_check}[args.cmd](args)
    except FlowError as e:
        print(f"synth.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
