#include <gtest/gtest.h>

#include "util/path.h"

TEST(Smoke, CleanPath) { EXPECT_EQ(layerscope::clean_entry_path("./a//b/../c").path, "a/c"); }
