#ifndef STRATA_CURSES_SHIM_H
#define STRATA_CURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* ncurses globals and macros that Swift cannot import (globals are not concurrency-safe in
   Swift 6; A_* and getmaxyx are macros). */
WINDOW *tui_stdscr(void);
int tui_colors(void);
int tui_color_pairs(void);
void tui_getmaxyx(WINDOW *w, int *y, int *x);
attr_t tui_a_bold(void);
attr_t tui_a_underline(void);
attr_t tui_a_reverse(void);
attr_t tui_a_dim(void);
attr_t tui_a_italic(void);
mmask_t tui_all_mouse_events(void);
mmask_t tui_button1_pressed(void);
mmask_t tui_button1_released(void);
mmask_t tui_button1_clicked(void);
mmask_t tui_button1_double_clicked(void);
mmask_t tui_button4_pressed(void);
mmask_t tui_button5_pressed(void);
int tui_key_f(int n);
/* setcchar with an extended colour pair (pairs above 255 go through opts). */
int tui_setcchar(cchar_t *c, const wchar_t *wch, attr_t attrs, int pair);
/* Sets the locale from the environment, falling back to C.UTF-8; 1 when the codeset is UTF-8. */
int tui_setlocale_utf8(void);
/* On INT TERM HUP QUIT and crash signals: endwin, then hand the signal to the previous handler. */
void tui_install_signal_handlers(void);
/* Whether terminfo says the terminal takes direct (24-bit) colours. */
int tui_has_rgb(void);
/* Writes bytes straight to the terminal (OSC 52 clipboard), bypassing curses' buffer. */
void tui_write_raw(const char *bytes, int length);
#endif
