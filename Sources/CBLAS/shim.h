#ifndef VAETOP_CBLAS_SHIM_H
#define VAETOP_CBLAS_SHIM_H
#include <cblas.h>
#endif
