"""A metric written in Python (numpy): how a test volume differs from the truth,
with what matters for zero-suppressed detector data.

Inputs `truth` and `test`: artifacts with array 'volume' of one shape. Scalars
(as JSON): max_abs, rmse, psnr (peak = the truth's maximum; left out when the
volumes are identical, where it is infinite, which JSON cannot say), and
zeros_kept, the fraction of the truth's zero voxels that are still exactly 0 (a
lossy codec that smears charge into empty voxels scores below 1).
"""

import math

import numpy as np

from reprise_io import read_input, write_scalars

truth = read_input("truth")[0]["volume"].astype(np.float64)
test = read_input("test")[0]["volume"].astype(np.float64)
if truth.shape != test.shape:
    raise SystemExit(f"truth {truth.shape} and test {test.shape} differ in shape")

error = test - truth
mse = float(np.mean(error ** 2))
zeros = truth == 0
scalars = {
    "max_abs": float(np.max(np.abs(error))),
    "rmse": math.sqrt(mse),
    "zeros_kept": float(np.mean(test[zeros] == 0)) if zeros.any() else 1.0,
}
if mse > 0:
    scalars["psnr"] = 10 * math.log10(float(truth.max()) ** 2 / mse)
write_scalars(scalars)
