// `sweep run` with several runs at once calls HDF5 from several threads (each run writes its own files).
// That is safe only with a thread-safe build of the library, as Debian 12's libhdf5 1.10.8 is
// (--enable-threadsafe: one lock around every API call); with another, run_local runs one at a time.
// ThreadSanitizer cannot look inside HDF5 (not instrumented): tests/sanitize/README.md.
#include <gtest/gtest.h>

#include "sweep/h5.h"

namespace courtyard::sweep {
namespace {

TEST(SweepHdf5, LibraryIsThreadSafeSoRunsMayWriteAtOnce) { EXPECT_TRUE(h5::library_threadsafe()); }

}  // namespace
}  // namespace courtyard::sweep
