#ifndef VAETOP_CZLIB_SHIM_H
#define VAETOP_CZLIB_SHIM_H
#include <zlib.h>
#endif
