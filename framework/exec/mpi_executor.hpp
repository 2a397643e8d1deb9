// MpiExecutor: `mpirun -n K reprise run SPEC`, nodes farmed out over MPI ranks.
//
// Every rank reads the spec and makes the same plan (planning is cheap and
// deterministic). Rank 0 is the master: it runs the ordinary executor (cache
// lookups, node locks, dependency order, Ctrl-C, the run directory), but hands each
// node it has to compute to a free rank, sending only the node's index. A worker
// loads the node's inputs from the shared cache, runs the component, stores the
// artifact in the cache and sends back its status, time, error message and
// scalars. Rank 0 also computes nodes itself (-j of them at a time; -j 0 makes it
// a pure dispatcher) while it waits, so `-n K` keeps K processes busy; every
// other rank computes one node at a time. A component that throws on a worker fails that node, with its message, as
// it would in one process. The cache must be on a filesystem every rank sees.
//
// Without mpirun, or under `mpirun -n 1`, MPI is never initialised and `reprise
// run` behaves exactly as before. In a build without MPI (REPRISE_MPI=OFF, or
// Boost.MPI not found) the constructor throws, saying how to enable it.
#pragma once

#include <memory>
#include <string>

#include "framework/store/cache.hpp"
#include "framework/exec/executor.hpp"
#include "framework/plan/graph.hpp"

namespace reprise {

// True when an MPI launcher (mpirun/mpiexec, srun) started this process as one of
// several ranks, judged from the launcher's environment (Open MPI, MPICH/Hydra and
// PMI-2 set the world size; PMIx only the rank, so it counts as launched).
bool launched_by_mpi();

class MpiExecutor {
 public:
  // Initialises MPI (thread level "serialized": rank 0 calls MPI from several
  // executor threads, one at a time). Throws std::runtime_error when the MPI
  // library cannot give that.
  MpiExecutor();
  // On rank 0, releases the workers (they exit 0; the job's exit status is rank
  // 0's). Runs however rank 0 leaves, so an exception there never strands them.
  ~MpiExecutor();
  MpiExecutor(const MpiExecutor&) = delete;
  MpiExecutor& operator=(const MpiExecutor&) = delete;

  int rank() const;
  int size() const;

  // Rank 0: executes the plan over all ranks; rank 0 itself computes up to
  // options.jobs nodes at a time (0: it only hands nodes out).
  ExecReport execute(const Plan& plan, Cache& cache, const ExecOptions& options);
  // Rank 0, after execute(): "nodes computed per MPI rank: 0: 6, 1: 5".
  std::string summary() const;
  // Ranks > 0: computes the nodes rank 0 sends until rank 0's MpiExecutor is destroyed.
  void serve(const Plan& plan, Cache& cache);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reprise
