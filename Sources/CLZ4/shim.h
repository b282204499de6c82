#ifndef CLZ4_SHIM_H
#define CLZ4_SHIM_H
/* LZ4F_createCDict and LZ4F_compressFrame_usingCDict (exported by liblz4 1.9 and later). */
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4frame.h>
#endif
