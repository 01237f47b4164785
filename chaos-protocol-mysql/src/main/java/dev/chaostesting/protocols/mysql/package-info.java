/**
 * The MySQL/MariaDB codec ({@link dev.chaostesting.protocols.mysql.MysqlCodec}, protocol name {@code mysql}) and the
 * protocol's fault encoder ({@link dev.chaostesting.protocols.mysql.MysqlFaults}). The decoder lives in
 * {@code internal}.
 */
@NullMarked
package dev.chaostesting.protocols.mysql;

import org.jspecify.annotations.NullMarked;
