"""Reading and writing reprise artifacts from a program run by exec/command.

An artifact file is HDF5 with one group, /artifact: its datasets are the
artifact's arrays, its attributes the scalars (numbers) and strings, its
subgroups child artifacts. reprise hands each input at $REPRISE_INPUT_<NAME> and
reads the output from $REPRISE_OUTPUT (arrays and scalars) and/or
$REPRISE_OUTPUT_JSON (scalars only). Array dtypes reprise reads: float32,
float64, int8, int32, int64, uint16.
"""

import json
import os

import h5py


def input_path(name):
    """The file of input `name` (as the spec names it)."""
    key = "REPRISE_INPUT_" + "".join(c.upper() if c.isalnum() else "_" for c in name)
    if key not in os.environ:
        raise SystemExit(f"no input '{name}' (inputs: {os.environ.get('REPRISE_INPUTS', '')})")
    return os.environ[key]


def read_input(name):
    """Input `name` as (arrays, attributes): two dicts, arrays as numpy."""
    with h5py.File(input_path(name), "r") as f:
        group = f["artifact"]
        arrays = {k: v[()] for k, v in group.items() if isinstance(v, h5py.Dataset)}
        return arrays, dict(group.attrs)


def write_output(arrays=None, scalars=None):
    """The node's artifact: numpy arrays and scalars (numbers or strings)."""
    with h5py.File(os.environ["REPRISE_OUTPUT"], "w") as f:
        group = f.create_group("artifact")
        for key, value in (arrays or {}).items():
            group.create_dataset(key, data=value)
        for key, value in (scalars or {}).items():
            group.attrs[key] = value if isinstance(value, str) else float(value)


def write_scalars(scalars):
    """Scalars only, as JSON: the lightest output (no h5py needed to write it)."""
    with open(os.environ["REPRISE_OUTPUT_JSON"], "w") as f:
        json.dump({k: (v if isinstance(v, str) else float(v)) for k, v in scalars.items()}, f)
