#include "cli/app.h"

namespace sealbox::cli {

int run(int, char**) { return 0; }

}  // namespace sealbox::cli
