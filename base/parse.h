/* Numbers from the command line and from policy files, one grammar each. */
#ifndef OCRUN_BASE_PARSE_H
#define OCRUN_BASE_PARSE_H
#include <stdint.h>

/* A decimal long within [min, max]: the whole string is digits, after a '-' for a negative
 * number; no white space, no '+'. 0, or -1 when it is not one. */
__attribute__((warn_unused_result)) int oc_parse_long(const char *s, long min, long max, long *out);
/* A size in bytes as docker and runc write it (RAMInBytes): "512", "64k", "1.5g", "2GiB",
 * "100 MB"; units k m g t p are powers of 1024, a fraction is allowed, the result is rounded
 * down to whole bytes. 0, or -1 when s is not a size or does not fit in int64. */
__attribute__((warn_unused_result)) int oc_parse_size(const char *s, int64_t *out);
/* A list of numbers and ranges as the kernel writes cpu and node lists ("0-3,7"): calls
 * each(lo, hi, ctx) per element, in order, with lo <= hi <= max. 0, or -1 when s is empty or
 * not such a list, or when each returns < 0. */
__attribute__((warn_unused_result)) int oc_parse_range_list(const char *s, long max,
                                                            int (*each)(long lo, long hi, void *ctx),
                                                            void *ctx);

#endif
