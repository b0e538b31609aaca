// seedforge: test-data fixtures from declarative domains.
#include "cli/app.h"

int main(int argc, char** argv) { return seedforge::RunCli(argc, argv); }
