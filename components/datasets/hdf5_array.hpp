// dataset/hdf5-array: any numeric array of an HDF5 file as a volume, e.g. real
// sPHENIX TPC frames for the INR-compression paper (seed 001), or any gridded
// field a user wants to compress.
//
// Reads dataset `dataset` of the file `path` whole, any rank >= 1, into array
// "volume" (row-major, as HDF5 stores it). The element type is kept when reprise
// has it (float32, float64, int8, int32, int64, uint16); the other integer types
// are widened to the smallest reprise type that holds every value exactly:
// uint8 -> uint16, int16 -> int32, uint32 -> int64, and uint64 -> int64 (values
// above 2^63 - 1 are refused). Floats of other sizes become float32 (<= 4 bytes)
// or float64. Strings, compounds, enums (h5py's bool) and other classes are
// refused with the class named. With transform: log the volume is float32
// log2(1 + value) (values <= -1 are refused), the transform the paper trains on.
//
// Errors name the file and dataset: a missing dataset lists the datasets present
// and suggests the nearest name; a file that is not HDF5 or is truncated says so.
// Every HDF5 call holds hdf5_mutex() (Debian's libhdf5 is not thread-safe).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class Hdf5ArrayDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
