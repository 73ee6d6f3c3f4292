/* Wide-character ncurses. NCURSES_WIDECHAR must come before ncurses.h, or cchar_t, get_wch and
   add_wch are missing; SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so it is defined here. */
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>
#include <term.h>
