#ifndef STRATA_SQLITE_ROWS_H
#define STRATA_SQLITE_ROWS_H

#include <stdint.h>

/* Rows of text values handed to SQLite in one statement: the table-valued function
 * strata_rows(?) yields them as columns c0, c1, ... (up to STRATA_ROWS_MAX_WIDTH).
 * Value i of row r is bytes[offset .. offset+length), where offset and length are
 * spans[2*(r*width+i)] and the element after it. An offset of -1 is NULL; an offset of -2
 * is the integer held where the length would be. Everything stays owned by the caller and
 * must outlive the statement's steps. */
#define STRATA_ROWS_MAX_WIDTH 16

typedef struct strata_rows {
    const unsigned char *bytes;
    const int64_t *spans;
    int width;
    int64_t count;
} strata_rows;

/* Registers strata_rows on a connection (an opaque sqlite3 *). Returns an SQLite result code. */
int strata_rows_register(void *db);

/* The pointer type name to bind a strata_rows * under (sqlite3_bind_pointer). */
extern const char *const strata_rows_pointer_type;

#endif
