#pragma once

namespace sealbox::cli {

// Parses the command line, runs the chosen subcommand and returns the process exit status.
int run(int argc, char** argv);

}  // namespace sealbox::cli
