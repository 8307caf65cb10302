"""Which BLAS PyTorch really calls, so the benchmark refuses an unfair (reference BLAS) baseline.

Debian's PyTorch links libblas.so.3, which the alternatives system points at the reference BLAS
unless an optimised one (libopenblas0-pthread) is installed; the reference BLAS is ~16x slower here.
"""
import ctypes
import torch

OPTIMISED = ("openblas", "mkl", "blis")


def loaded_blas_libraries():
    """Paths of the BLAS/LAPACK shared libraries mapped into this process (after one matmul)."""
    a = torch.ones(64, 64)
    (a @ a).sum().item()
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "/" in line}
    return sorted(p for p in paths if "blas" in p.lower() or "mkl" in p.lower() or "lapack" in p.lower())


def check_blas():
    """Returns a one-line description of the optimised BLAS in use; exits with advice when there is none."""
    libs = loaded_blas_libraries()
    optimised = [p for p in libs if any(name in p.lower() for name in OPTIMISED)]
    if not optimised:
        raise SystemExit(
            "PyTorch is using the reference BLAS ({}), which would make the PyTorch baseline ~16x too slow: "
            "install an optimised one with `bash scripts/setup.sh --bench` (Debian's libopenblas0-pthread)".format(
                ", ".join(libs) or "no BLAS library found"))
    openblas = [p for p in optimised if "libopenblas" in p]
    if not openblas:
        return optimised[0]
    lib = ctypes.CDLL(openblas[0])
    lib.openblas_get_config.restype = ctypes.c_char_p
    threads = lib.openblas_get_num_threads()
    if threads != 1:
        raise SystemExit("OpenBLAS runs {} threads; the benchmark holds it to 1 (OPENBLAS_NUM_THREADS=1) so that it does "
                         "not compete with PyTorch's OpenMP threads".format(threads))
    return "{} ({}, 1 thread)".format(openblas[0], lib.openblas_get_config().decode())
