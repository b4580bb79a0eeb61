/* Text from outside (ids, paths, config keys and values, argv, messages from another process)
 * made safe for a one-line error or log record. */
#ifndef OCRUN_BASE_ESCAPE_H
#define OCRUN_BASE_ESCAPE_H
#include <stddef.h>

/* Copy src into dst (cap bytes, always NUL-terminated when cap > 0) with what could break a line
 * or drive a terminal escaped: \n \r \t as those two characters, every other C0 control, DEL,
 * the C1 controls (U+0080..U+009F), U+2028 and U+2029, and each byte that is not part of
 * well-formed UTF-8 as \xNN, one per byte. Valid UTF-8 text is kept as it is. A backslash is not
 * escaped, so escaping twice changes nothing: errors are escaped when made and records again
 * when written. Only whole characters and whole escapes are written: a result that does not fit
 * ends before the first one that does not. Returns the length written. */
size_t oc_escape_text(char *dst, size_t cap, const char *src);

#endif
