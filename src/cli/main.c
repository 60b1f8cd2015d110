#include "base/common.h"

int main(int argc, char **argv)
{
    UNUSED(argc);
    UNUSED(argv);
    return 0;
}
