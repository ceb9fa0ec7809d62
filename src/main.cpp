#include "cli/app.h"

int main(int argc, char** argv) { return sealbox::cli::run(argc, argv); }
