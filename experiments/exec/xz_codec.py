"""The xz command-line compressor as a lossless reprise codec (exec/command).

Input `data`: an artifact with array 'volume'. The raw bytes of the volume go
through `xz -LEVEL` (the external program, not Python's lzma module) and back
through `xz -d`; the output is the decompressed volume (bit-identical, checked),
the compressed size and the ratio, like codec/zfp's outputs.
    python3 xz_codec.py --level 6
"""

import argparse
import subprocess
import time

import numpy as np

from reprise_io import read_input, write_output

parser = argparse.ArgumentParser()
parser.add_argument("--level", type=int, default=6, choices=range(0, 10))
args = parser.parse_args()

arrays, _ = read_input("data")
volume = np.ascontiguousarray(arrays["volume"])
raw = volume.tobytes()

started = time.perf_counter()
packed = subprocess.run(["xz", f"-{args.level}", "-T1", "-c"], input=raw, capture_output=True, check=True).stdout
compress_seconds = time.perf_counter() - started
unpacked = subprocess.run(["xz", "-d", "-c"], input=packed, capture_output=True, check=True).stdout
if unpacked != raw:
    raise SystemExit("xz round trip changed the data")

decoded = np.frombuffer(unpacked, dtype=volume.dtype).reshape(volume.shape)
write_output(arrays={"volume": decoded},
             scalars={"bytes": len(packed), "original_bytes": len(raw), "ratio": len(raw) / len(packed),
                      "compress_seconds": compress_seconds, "library": "xz " + subprocess.run(
                          ["xz", "--version"], capture_output=True, text=True).stdout.split()[3]})
