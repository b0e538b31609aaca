#include <gtest/gtest.h>

#include "seedforge/registry.h"

TEST(Registry, HasBasicPack) { EXPECT_NE(seedforge::BuiltinRegistry().Find("sequence"), nullptr); }
