/** SQL statements as seen on the wire: kind, tables read and written, normalised shape. */
@NullMarked
package dev.chaostesting.sql;

import org.jspecify.annotations.NullMarked;
