#include "base/escape.h"

#include <stdio.h>
#include <string.h>

/* Length of the character at s when it may be copied as it is: printable ASCII, or a
 * well-formed UTF-8 sequence (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF)
 * that is neither a C1 control nor a line or paragraph separator. 0 when *s must be escaped.
 * Reads no further than a NUL (which is never a continuation byte). */
static size_t keep_len(const unsigned char *s) {
  unsigned char c = s[0], lo = 0x80, hi = 0xbf;
  size_t n;
  if (c >= 0x20 && c < 0x7f) return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (c == 0xc2 && s[1] < 0xa0) return 0;                                 /* C1 controls */
  if (c == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) return 0; /* U+2028/9 */
  return n;
}

static size_t escape_byte(char out[5], unsigned char c) {
  const char *two = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
  if (two) {
    memcpy(out, two, 3);
    return 2;
  }
  snprintf(out, 5, "\\x%02x", c);
  return 4;
}

size_t oc_escape_text(char *dst, size_t cap, const char *src) {
  if (!cap) return 0;
  const unsigned char *s = (const unsigned char *)src;
  size_t n = 0;
  while (*s) {
    char esc[5];
    const char *piece = (const char *)s;
    size_t len = keep_len(s), advance = len;
    if (!len) {
      len = escape_byte(esc, *s);
      piece = esc;
      advance = 1;
    }
    if (n + len >= cap) break;
    memcpy(dst + n, piece, len);
    n += len;
    s += advance;
  }
  dst[n] = '\0';
  return n;
}
