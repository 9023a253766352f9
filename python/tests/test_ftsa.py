"""Test of the Python binding (ctest python_binding, run against an installed
tree): every result is checked against the installed CLI's output on the same
model, fault list and images, passed in as arguments."""
import sys

import numpy as np

import ftsa


def main():
    faults_path, cli_ok, cli_bad, cli_changed, cli_base, cli_correct, cli_faults = sys.argv[1:8]
    fails = []

    def check(name, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + name + (f" ({detail})" if detail else ""))
        if not cond:
            fails.append(name)

    ver, rtl, opts = ftsa.version()
    check("version", ver.count(".") >= 1 and rtl.startswith("sha256:"), f"{ver}, {rtl}")
    net = ftsa.Model(ftsa.default_model())
    check("model", net.name == "lenet5" and net.input_shape == (28, 28, 1) and net.n_out == 10,
          f"{net.name} {net.input_shape} -> {net.n_out}")
    images, labels = ftsa.load_dataset(first=0, count=200)
    check("data set", images.shape == (200, 28, 28) and images.dtype == np.uint8
          and labels.max() <= 9)
    dev = ftsa.Device(net)
    pred, logits = dev.classify(images)
    check("fault-free classify", int((pred == labels).sum()) == int(cli_ok),
          f"{(pred == labels).sum()} correct, CLI {cli_ok}")
    check("logits", logits.shape == (200, 10) and logits.dtype == np.int8
          and (logits.argmax(axis=1) == pred).all())
    faults = ftsa.FaultList(path=faults_path)
    dev.set_faults(faults)
    fpred, _ = dev.classify(images)
    check("faulty classify", int((fpred == labels).sum()) == int(cli_bad)
          and int((fpred != pred).sum()) == int(cli_changed),
          f"{len(faults)} faults, {(fpred == labels).sum()} correct, {(fpred != pred).sum()} changed")
    dev.set_faults(None)
    check("faults cleared", (dev.classify(images)[0] == pred).all())
    # One image at a time gives the same answers as the batch.
    check("single images", all(dev.classify(images[i])[0][0] == pred[i] for i in range(5)))

    try:
        ftsa.FaultList(text="flip L0.weights 0 0\nstuck weight 1 1\n")
        check("bad fault list raises", False)
    except ftsa.Error as e:
        check("bad fault list raises", "line 2" in str(e) or ":2:" in str(e), str(e))
    try:
        ftsa.Device(net, backend="rtl")
        check("rtl unavailable", False)
    except ftsa.Error as e:
        check("rtl unavailable", "unknown back end 'rtl'" in str(e), str(e))
    try:
        ftsa.Model("/no/such/model.ftsa")
        check("missing model raises", False)
    except ftsa.Error as e:
        check("missing model raises", "/no/such/model.ftsa" in str(e), str(e))

    keys = dict(model=ftsa.default_model(), ber="1e-3,1e-2", faults="flip", tensors="weights",
                per_layer="off", trials=3, images=100, seed=11)
    camp = ftsa.Campaign(**keys)
    check("campaign baseline", camp.base_correct == int(cli_base) and camp.images == 100,
          f"{camp.base_correct}/{camp.images}, CLI {cli_base}")
    name, rate, trials = camp.point(1)
    check("campaign point", camp.n_points == 2 and rate == 1e-2 and trials == 3,
          f"{camp.n_points} points, point 1: {name} {rate} x {trials}")
    c1, f1 = camp.run_point(1)
    want_c = np.array([int(x) for x in cli_correct.split(",")], dtype=np.uint32)
    want_f = np.array([int(x) for x in cli_faults.split(",")], dtype=np.uint32)
    check("campaign point = ftsa campaign", (c1 == want_c).all() and (f1 == want_f).all(),
          f"correct {c1} faults {f1}, CLI {want_c} {want_f}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
