package dev.chaostesting.protocols.mysql.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Constants of the MySQL/MariaDB client/server protocol and their names as recorded. */
final class Protocol {

    private Protocol() {}

    // Capability flags (the lower 32 bits are MySQL's; the upper ones MariaDB's extended capabilities).
    static final long CLIENT_CONNECT_WITH_DB = 1L << 3;
    static final long CLIENT_COMPRESS = 1L << 5;
    static final long CLIENT_LOCAL_FILES = 1L << 7;
    static final long CLIENT_PROTOCOL_41 = 1L << 9;
    static final long CLIENT_SSL = 1L << 11;
    static final long CLIENT_SECURE_CONNECTION = 1L << 15;
    static final long CLIENT_MULTI_STATEMENTS = 1L << 16;
    static final long CLIENT_MULTI_RESULTS = 1L << 17;
    static final long CLIENT_PLUGIN_AUTH = 1L << 19;
    static final long CLIENT_CONNECT_ATTRS = 1L << 20;
    static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1L << 21;
    static final long CLIENT_SESSION_TRACK = 1L << 23;
    static final long CLIENT_DEPRECATE_EOF = 1L << 24;
    static final long CLIENT_OPTIONAL_RESULTSET_METADATA = 1L << 25;
    static final long CLIENT_ZSTD_COMPRESSION = 1L << 26;
    static final long CLIENT_QUERY_ATTRIBUTES = 1L << 27;
    /** MySQL's CLIENT_PROGRESS_OBSOLETE; the bit that says the server is MySQL (unset by MariaDB 10.2+). */
    static final long CLIENT_MYSQL = 1L;

    static final long MARIADB_CLIENT_PROGRESS = 1L << 32;
    static final long MARIADB_CLIENT_EXTENDED_METADATA = 1L << 35;
    static final long MARIADB_CLIENT_CACHE_METADATA = 1L << 36;

    // Server status flags.
    static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
    static final int SERVER_STATUS_CURSOR_EXISTS = 0x0040;
    static final int SERVER_SESSION_STATE_CHANGED = 0x4000;

    // Commands.
    static final int COM_QUIT = 0x01;
    static final int COM_INIT_DB = 0x02;
    static final int COM_QUERY = 0x03;
    static final int COM_FIELD_LIST = 0x04;
    static final int COM_STATISTICS = 0x09;
    static final int COM_PING = 0x0e;
    static final int COM_CHANGE_USER = 0x11;
    static final int COM_STMT_PREPARE = 0x16;
    static final int COM_STMT_EXECUTE = 0x17;
    static final int COM_STMT_SEND_LONG_DATA = 0x18;
    static final int COM_STMT_CLOSE = 0x19;
    static final int COM_STMT_RESET = 0x1a;
    static final int COM_SET_OPTION = 0x1b;
    static final int COM_STMT_FETCH = 0x1c;
    static final int COM_RESET_CONNECTION = 0x1f;

    private static final Map<Integer, String> COMMANDS = Map.ofEntries(
            Map.entry(0x00, "COM_SLEEP"),
            Map.entry(0x01, "COM_QUIT"),
            Map.entry(0x02, "COM_INIT_DB"),
            Map.entry(0x03, "COM_QUERY"),
            Map.entry(0x04, "COM_FIELD_LIST"),
            Map.entry(0x05, "COM_CREATE_DB"),
            Map.entry(0x06, "COM_DROP_DB"),
            Map.entry(0x07, "COM_REFRESH"),
            Map.entry(0x08, "COM_SHUTDOWN"),
            Map.entry(0x09, "COM_STATISTICS"),
            Map.entry(0x0a, "COM_PROCESS_INFO"),
            Map.entry(0x0b, "COM_CONNECT"),
            Map.entry(0x0c, "COM_PROCESS_KILL"),
            Map.entry(0x0d, "COM_DEBUG"),
            Map.entry(0x0e, "COM_PING"),
            Map.entry(0x0f, "COM_TIME"),
            Map.entry(0x10, "COM_DELAYED_INSERT"),
            Map.entry(0x11, "COM_CHANGE_USER"),
            Map.entry(0x12, "COM_BINLOG_DUMP"),
            Map.entry(0x13, "COM_TABLE_DUMP"),
            Map.entry(0x14, "COM_CONNECT_OUT"),
            Map.entry(0x15, "COM_REGISTER_SLAVE"),
            Map.entry(0x16, "COM_STMT_PREPARE"),
            Map.entry(0x17, "COM_STMT_EXECUTE"),
            Map.entry(0x18, "COM_STMT_SEND_LONG_DATA"),
            Map.entry(0x19, "COM_STMT_CLOSE"),
            Map.entry(0x1a, "COM_STMT_RESET"),
            Map.entry(0x1b, "COM_SET_OPTION"),
            Map.entry(0x1c, "COM_STMT_FETCH"),
            Map.entry(0x1d, "COM_DAEMON"),
            Map.entry(0x1e, "COM_BINLOG_DUMP_GTID"),
            Map.entry(0x1f, "COM_RESET_CONNECTION"),
            Map.entry(0xfa, "COM_STMT_BULK_EXECUTE"),
            Map.entry(0xfe, "COM_MULTI"));

    static String commandName(int code) {
        var name = COMMANDS.get(code);
        return name != null ? name : String.format("COM_0x%02x", code);
    }

    private static final Map<Integer, String> TYPES = Map.ofEntries(
            Map.entry(0, "DECIMAL"),
            Map.entry(1, "TINY"),
            Map.entry(2, "SHORT"),
            Map.entry(3, "LONG"),
            Map.entry(4, "FLOAT"),
            Map.entry(5, "DOUBLE"),
            Map.entry(6, "NULL"),
            Map.entry(7, "TIMESTAMP"),
            Map.entry(8, "LONGLONG"),
            Map.entry(9, "INT24"),
            Map.entry(10, "DATE"),
            Map.entry(11, "TIME"),
            Map.entry(12, "DATETIME"),
            Map.entry(13, "YEAR"),
            Map.entry(14, "NEWDATE"),
            Map.entry(15, "VARCHAR"),
            Map.entry(16, "BIT"),
            Map.entry(17, "TIMESTAMP2"),
            Map.entry(18, "DATETIME2"),
            Map.entry(19, "TIME2"),
            Map.entry(245, "JSON"),
            Map.entry(246, "NEWDECIMAL"),
            Map.entry(247, "ENUM"),
            Map.entry(248, "SET"),
            Map.entry(249, "TINY_BLOB"),
            Map.entry(250, "MEDIUM_BLOB"),
            Map.entry(251, "LONG_BLOB"),
            Map.entry(252, "BLOB"),
            Map.entry(253, "VAR_STRING"),
            Map.entry(254, "STRING"),
            Map.entry(255, "GEOMETRY"));

    static String typeName(int type) {
        var name = TYPES.get(type);
        return name != null ? name : "TYPE_" + type;
    }

    private static final String[] CAPABILITIES = {
        "LONG_PASSWORD",
        "FOUND_ROWS",
        "LONG_FLAG",
        "CONNECT_WITH_DB",
        "NO_SCHEMA",
        "COMPRESS",
        "ODBC",
        "LOCAL_FILES",
        "IGNORE_SPACE",
        "PROTOCOL_41",
        "INTERACTIVE",
        "SSL",
        "IGNORE_SIGPIPE",
        "TRANSACTIONS",
        "RESERVED",
        "SECURE_CONNECTION",
        "MULTI_STATEMENTS",
        "MULTI_RESULTS",
        "PS_MULTI_RESULTS",
        "PLUGIN_AUTH",
        "CONNECT_ATTRS",
        "PLUGIN_AUTH_LENENC_CLIENT_DATA",
        "CAN_HANDLE_EXPIRED_PASSWORDS",
        "SESSION_TRACK",
        "DEPRECATE_EOF",
        "OPTIONAL_RESULTSET_METADATA",
        "ZSTD_COMPRESSION_ALGORITHM",
        "QUERY_ATTRIBUTES",
        "MULTI_FACTOR_AUTHENTICATION",
        "CAPABILITY_EXTENSION",
        "SSL_VERIFY_SERVER_CERT",
        "REMEMBER_OPTIONS",
        "MARIADB_PROGRESS",
        "MARIADB_COM_MULTI",
        "MARIADB_STMT_BULK_OPERATIONS",
        "MARIADB_EXTENDED_METADATA",
        "MARIADB_CACHE_METADATA",
        "MARIADB_BULK_UNIT_RESULTS"
    };

    /** The names of the flags set, lowest bit first. */
    static List<Object> capabilityNames(long flags) {
        var names = new ArrayList<Object>();
        for (int bit = 0; bit < 64; bit++) {
            if ((flags & (1L << bit)) != 0) {
                names.add(bit < CAPABILITIES.length ? CAPABILITIES[bit] : "BIT_" + bit);
            }
        }
        return names;
    }
}
