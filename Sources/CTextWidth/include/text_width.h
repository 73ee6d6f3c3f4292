#ifndef STRATA_TEXT_WIDTH_H
#define STRATA_TEXT_WIDTH_H
#include <wchar.h>
/* Columns a character takes on a terminal (glibc wcwidth, in a UTF-8 locale whatever the
   process locale is, so tests and the terminal agree): 0, 1 or 2, or -1 for controls. */
int strata_wcwidth(unsigned int scalar);
#endif
