/**
 * The MySQL/MariaDB decoder: packet framing with continuation packets, the handshake and authentication, commands and
 * their answers (text and binary result sets, prepared statements), and the connection state they share.
 */
@NullMarked
package dev.chaostesting.protocols.mysql.internal;

import org.jspecify.annotations.NullMarked;
