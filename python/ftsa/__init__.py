"""Python binding of libftsa (ctypes, numpy arrays in and out).

    import ftsa
    net = ftsa.Model(ftsa.default_model())
    images, labels = ftsa.load_dataset(first=0, count=500)
    dev = ftsa.Device(net)                      # back end "cmodel"
    pred, logits = dev.classify(images)         # uint8 classes, int8 outputs
    dev.set_faults(ftsa.FaultList(text="flip L0.weights 3 7\\n"))
    camp = ftsa.Campaign(model=net.path, ber="1e-3", trials=4, images=200)
    correct, faults = camp.run_point(0)

Errors raise ftsa.Error with the library's message.  The shared library is
found from $FTSA_LIB, then beside the installed package, then by the loader.
"""
import ctypes
import ctypes.util
import os

import numpy as np

__all__ = ["Error", "Model", "FaultList", "Device", "Campaign", "load_dataset",
           "default_model", "version", "lib"]


class _Err(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("msg", ctypes.c_char * 512)]  # ftsa_err_t


class Error(RuntimeError):
    """A libftsa call failed; status is the ftsa_status_t value."""

    def __init__(self, status, msg):
        super().__init__(msg)
        self.status = status


def _here():
    return os.path.dirname(os.path.abspath(__file__))


def _load_lib():
    path = os.environ.get("FTSA_LIB")
    if not path:
        try:
            from . import _paths
            cand = os.path.join(_here(), _paths.LIB_DIR, _paths.SONAME)
            if os.path.exists(cand):
                path = cand
        except ImportError:
            pass
    if not path:
        path = ctypes.util.find_library("ftsa")
    if not path:
        raise ImportError("ftsa: libftsa not found (set FTSA_LIB to libftsa.so)")
    return ctypes.CDLL(path)


lib = _load_lib()

_P = ctypes.c_void_p
_U32 = ctypes.c_uint32
_PU32 = ctypes.POINTER(ctypes.c_uint32)
_PERR = ctypes.POINTER(_Err)


def _proto(name, res, *args):
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = list(args)
    return f


_proto("ftsa_version", ctypes.c_char_p)
_proto("ftsa_version_rtl", ctypes.c_char_p)
_proto("ftsa_build_options", ctypes.c_char_p)
_proto("ftsa_api_net_load", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_P), _PERR)
_proto("ftsa_api_net_free", None, _P)
_proto("ftsa_api_net_name", ctypes.c_char_p, _P)
_proto("ftsa_api_net_shape", None, _P, _PU32, _PU32, _PU32)
_proto("ftsa_api_faults_load", ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
       ctypes.POINTER(_P), _PERR)
_proto("ftsa_api_faults_count", _U32, _P)
_proto("ftsa_api_faults_free", None, _P)
_proto("ftsa_api_dataset_load", ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
       ctypes.POINTER(_P), _PERR)
_proto("ftsa_api_dataset_shape", None, _P, _PU32, _PU32, _PU32)
_proto("ftsa_api_dataset_copy", ctypes.c_int, _P, _U32, _U32, _P, _P, _PERR)
_proto("ftsa_api_dataset_free", None, _P)
_proto("ftsa_api_dev_open", ctypes.c_int, ctypes.c_char_p, _P, _U32, ctypes.POINTER(_P), _PERR)
_proto("ftsa_api_dev_classify", ctypes.c_int, _P, _P, _U32, _P, _P, _PERR)
_proto("ftsa_dev_set_faults", ctypes.c_int, _P, _P, _PERR)
_proto("ftsa_dev_close", None, _P)
_proto("ftsa_api_camp_open", ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
       ctypes.POINTER(ctypes.c_char_p), _U32, ctypes.POINTER(_P), _PERR)
_proto("ftsa_api_camp_points", _U32, _P)
_proto("ftsa_api_camp_baseline", None, _P, _PU32, _PU32)
_proto("ftsa_api_camp_point", ctypes.c_int, _P, _U32, ctypes.POINTER(ctypes.c_char_p),
       ctypes.POINTER(ctypes.c_double), _PU32, _PERR)
_proto("ftsa_api_camp_run_point", ctypes.c_int, _P, _U32, _P, _P, _PERR)
_proto("ftsa_api_camp_free", None, _P)


def _call(f, *args):
    err = _Err()
    st = f(*args, ctypes.byref(err))
    if st:
        raise Error(st, err.msg.decode(errors="replace"))


def _b(s):
    return None if s is None else os.fsencode(s)


def version():
    """(version, RTL revision, build options) of the loaded library."""
    return tuple(f().decode() for f in (lib.ftsa_version, lib.ftsa_version_rtl,
                                        lib.ftsa_build_options))


def default_model():
    """The installed LeNet-5 (share/ftsa/models/lenet5.ftsa), or $FTSA_MODEL."""
    env = os.environ.get("FTSA_MODEL")
    if env:
        return env
    from . import _paths
    return os.path.normpath(os.path.join(_here(), _paths.MODELS_DIR, "lenet5.ftsa"))


class Model:
    """A .ftsa network: name, input_shape (h, w, c), n_out, n_layers."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._h = _P()
        _call(lib.ftsa_api_net_load, _b(self.path), ctypes.byref(self._h))
        shape = (_U32 * 3)()
        n_out, n_layers = _U32(), _U32()
        lib.ftsa_api_net_shape(self._h, shape, ctypes.byref(n_out), ctypes.byref(n_layers))
        self.input_shape = tuple(shape)
        self.n_out, self.n_layers = n_out.value, n_layers.value
        self.name = lib.ftsa_api_net_name(self._h).decode()

    def __del__(self):
        if getattr(self, "_h", None):
            lib.ftsa_api_net_free(self._h)
            self._h = None


class FaultList:
    """A fault list (docs/faults.md) from a file or from text."""

    def __init__(self, path=None, text=None):
        if (path is None) == (text is None):
            raise ValueError("FaultList: give exactly one of path and text")
        self._h = _P()
        _call(lib.ftsa_api_faults_load, _b(path), _b(text), ctypes.byref(self._h))

    def __len__(self):
        return lib.ftsa_api_faults_count(self._h)

    def __del__(self):
        if getattr(self, "_h", None):
            lib.ftsa_api_faults_free(self._h)
            self._h = None


def load_dataset(data_dir=None, test=True, first=0, count=None):
    """Fashion-MNIST images [first, first + count) as (uint8 [n, rows, cols], uint8 [n])."""
    h = _P()
    _call(lib.ftsa_api_dataset_load, _b(data_dir), 1 if test else 0, ctypes.byref(h))
    try:
        n, rows, cols = _U32(), _U32(), _U32()
        lib.ftsa_api_dataset_shape(h, ctypes.byref(n), ctypes.byref(rows), ctypes.byref(cols))
        if count is None:
            count = max(n.value - first, 0)
        images = np.empty((count, rows.value, cols.value), dtype=np.uint8)
        labels = np.empty(count, dtype=np.uint8)
        _call(lib.ftsa_api_dataset_copy, h, first, count, images.ctypes.data, labels.ctypes.data)
        return images, labels
    finally:
        lib.ftsa_api_dataset_free(h)


class Device:
    """A model opened on a back end (the library has "cmodel")."""

    def __init__(self, model, backend="cmodel", array_n=0):
        self.model = model  # the device reads the network: keep it alive
        self._h = _P()
        _call(lib.ftsa_api_dev_open, backend.encode(), model._h, array_n, ctypes.byref(self._h))

    def classify(self, images):
        """images: uint8 array [n, h, w] or [n, h, w, c] of raw pixels.
        Returns (uint8 classes [n], int8 outputs [n, n_out])."""
        h, w, c = self.model.input_shape
        x = np.ascontiguousarray(images, dtype=np.uint8)
        if x.size % (h * w * c):
            raise ValueError(f"classify: {x.shape} is not a stack of {h}x{w}x{c} images")
        n = x.size // (h * w * c)
        pred = np.empty(n, dtype=np.uint8)
        logits = np.empty((n, self.model.n_out), dtype=np.int8)
        _call(lib.ftsa_api_dev_classify, self._h, x.ctypes.data, n, pred.ctypes.data,
              logits.ctypes.data)
        return pred, logits

    def set_faults(self, faults):
        """Install a FaultList for the following inferences; None restores fault-free."""
        self.faults = faults  # kept alive while installed
        _call(lib.ftsa_dev_set_faults, self._h, faults._h if faults is not None else None)

    def __del__(self):
        if getattr(self, "_h", None):
            lib.ftsa_dev_close(self._h)
            self._h = None


class Campaign:
    """A fault campaign from config keys (docs/campaigns.md) given as keywords,
    e.g. Campaign(model=path, ber="1e-4,1e-3", trials=10, images=200); the model
    defaults to default_model()."""

    def __init__(self, **keys):
        keys.setdefault("model", default_model())
        k = [str(a).encode() for a in keys]
        v = [str(b).encode() for b in keys.values()]
        ks = (ctypes.c_char_p * max(len(k), 1))(*k)
        vs = (ctypes.c_char_p * max(len(v), 1))(*v)
        self._h = _P()
        _call(lib.ftsa_api_camp_open, ks, vs, len(k), ctypes.byref(self._h))
        correct, images = _U32(), _U32()
        lib.ftsa_api_camp_baseline(self._h, ctypes.byref(correct), ctypes.byref(images))
        self.base_correct, self.images = correct.value, images.value
        self.n_points = lib.ftsa_api_camp_points(self._h)

    def point(self, p):
        """(curve name, rate, trials) of point p."""
        name, rate, trials = ctypes.c_char_p(), ctypes.c_double(), _U32()
        _call(lib.ftsa_api_camp_point, self._h, p, ctypes.byref(name), ctypes.byref(rate),
              ctypes.byref(trials))
        return name.value.decode(), rate.value, trials.value

    def run_point(self, p):
        """Run every trial of point p: (correct images [trials], faults [trials]), uint32."""
        trials = self.point(p)[2]
        correct = np.zeros(trials, dtype=np.uint32)
        faults = np.zeros(trials, dtype=np.uint32)
        _call(lib.ftsa_api_camp_run_point, self._h, p, correct.ctypes.data, faults.ctypes.data)
        return correct, faults

    def __del__(self):
        if getattr(self, "_h", None):
            lib.ftsa_api_camp_free(self._h)
            self._h = None
